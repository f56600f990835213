/// A TLS file (certificate, key or CA bundle) that cannot be used, with the reason.
public struct TLSFileError: Error, CustomStringConvertible, Sendable {
    /// The file at fault.
    public var path: String
    /// What is wrong with it, as the end of a sentence starting with the path.
    public var problem: String

    public var description: String { "\(path) \(problem)" }
}

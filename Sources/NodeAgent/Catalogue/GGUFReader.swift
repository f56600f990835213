import Foundation

/// A bounds-checked little-endian cursor over a GGUF header.
struct GGUFReader {
    /// A decoded scalar metadata value; arrays are skipped and yield only their length.
    enum Scalar: Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array(count: Int)

        var string: String? {
            if case .string(let value) = self { return value }
            return nil
        }

        var integer: Int? {
            if case .integer(let value) = self { return value }
            return nil
        }
    }

    private let data: Data
    private var offset: Int

    init(data: Data) {
        self.data = data
        self.offset = data.startIndex
    }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= data.endIndex - offset else { throw GGUFError.truncated }
        defer { offset += count }
        return Array(data[offset..<offset + count])
    }

    mutating func skip(_ count: UInt64) throws {
        guard count <= UInt64(data.endIndex - offset) else { throw GGUFError.truncated }
        offset += Int(count)
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard size <= data.endIndex - offset else { throw GGUFError.truncated }
        var value: T = 0
        for index in 0..<size {
            value |= T(truncatingIfNeeded: data[offset + index]) << (8 * index)
        }
        offset += size
        return value
    }

    mutating func string() throws -> String {
        let length = try integer(UInt64.self)
        guard length <= UInt64(data.endIndex - offset) else { throw GGUFError.truncated }
        return String(decoding: try bytes(Int(length)), as: UTF8.self)
    }

    /// Reads one value of a GGUF type code; arrays are skipped (their length is kept).
    mutating func value(ofType type: UInt32) throws -> Scalar {
        switch type {
        case 0: return .integer(Int(try integer(UInt8.self)))
        case 1: return .integer(Int(try integer(Int8.self)))
        case 2: return .integer(Int(try integer(UInt16.self)))
        case 3: return .integer(Int(try integer(Int16.self)))
        case 4: return .integer(Int(try integer(UInt32.self)))
        case 5: return .integer(Int(try integer(Int32.self)))
        case 6: return .float(Double(Float(bitPattern: try integer(UInt32.self))))
        case 7: return .bool(try integer(UInt8.self) != 0)
        case 8: return .string(try string())
        case 9: return .array(count: try skipArray())
        case 10: return .integer(Int(truncatingIfNeeded: try integer(UInt64.self)))
        case 11: return .integer(Int(try integer(Int64.self)))
        case 12: return .float(Double(bitPattern: try integer(UInt64.self)))
        default: throw GGUFError.malformed("unknown value type \(type)")
        }
    }

    /// Skips an array's elements; returns how many there were.
    private mutating func skipArray() throws -> Int {
        let elementType = try integer(UInt32.self)
        let count = try integer(UInt64.self)
        guard count <= UInt64(Int.max) else { throw GGUFError.malformed("array too large") }
        let fixedSizes: [UInt32: UInt64] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
        if let size = fixedSizes[elementType] {
            let (total, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw GGUFError.malformed("array too large") }
            try skip(total)
        } else if elementType == 8 {
            for _ in 0..<count {
                try skip(try integer(UInt64.self))
            }
        } else {
            throw GGUFError.malformed("unsupported array element type \(elementType)")
        }
        return Int(count)
    }
}

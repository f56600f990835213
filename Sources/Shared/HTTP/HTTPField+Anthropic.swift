import HTTPTypes

extension HTTPField.Name {
    /// `x-api-key`: where Anthropic's clients send their key.
    public static let xAPIKey = HTTPField.Name("x-api-key")!
    /// `anthropic-version`: sent by Anthropic's clients on every request; its presence asks for
    /// Anthropic's shapes where both APIs share a path (`/v1/models`).
    public static let anthropicVersion = HTTPField.Name("anthropic-version")!
}

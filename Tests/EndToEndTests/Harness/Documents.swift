/// The parts of OpenAI documents the end-to-end tests read.
struct ModelListDocument: Decodable {
    struct Entry: Decodable { var id: String }
    var object: String
    var data: [Entry]
}

struct ChatCompletionDocument: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable { var content: String? }
        var message: Message?
    }
    var object: String
    var choices: [Choice]
}

struct EmbeddingsDocument: Decodable {
    struct Entry: Decodable {
        var index: Int
        var embedding: [Double]
    }
    var data: [Entry]
}

struct ErrorDocument: Decodable {
    struct Body: Decodable {
        var message: String
        var type: String
        var param: String?
        var code: String?
    }
    var error: Body
}

/// What `scripts/models/bert_reference.py` writes.
struct ReferenceEmbeddings: Decodable {
    var inputs: [String]
    var embeddings: [[Double]]
}

/// Cosine similarity of two vectors.
func cosine(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return -1 }
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
    return norms == 0 ? -1 : dot / norms
}

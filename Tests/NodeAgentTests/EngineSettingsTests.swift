import Foundation
import Shared
import Testing

@testable import SwitchyardAgent

@Suite struct EngineSettingsTests {
    let settings = EngineSettings(
        llamaServer: URL(fileURLWithPath: "/usr/bin/llama-server"),
        guardExecutable: URL(fileURLWithPath: "/usr/bin/switchyard-agent"),
        logDirectory: URL(fileURLWithPath: "/tmp"),
        threads: 1,
        slots: 4,
        contextPerSlot: 2048,
        gpuLayers: 0,
        startTimeout: .seconds(5)
    )

    func model(kind: LocalModel.Kind, context: Int?) -> LocalModel {
        LocalModel(
            id: "org/m",
            format: .gguf,
            file: URL(fileURLWithPath: "/models/org/m/m.gguf"),
            kind: kind,
            sizeBytes: 1,
            contextLength: context,
            engineArguments: ["--seed", "1"]
        )
    }

    func value(of flag: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: flag).map { arguments[$0 + 1] }
    }

    @Test func chatModelsGetSlotsTimesContextOnLoopback() {
        let arguments = settings.arguments(for: model(kind: .chat, context: 8192), port: 9000)
        #expect(value(of: "--host", in: arguments) == "127.0.0.1")
        #expect(value(of: "--port", in: arguments) == "9000")
        #expect(value(of: "--ctx-size", in: arguments) == "8192")
        #expect(value(of: "--alias", in: arguments) == "org/m")
        #expect(!arguments.contains("--embeddings"))
        #expect(arguments.suffix(2) == ["--seed", "1"])
    }

    @Test func embeddingModelsAreCappedByTheirTrainingContext() {
        let arguments = settings.arguments(for: model(kind: .embedding, context: 512), port: 9000)
        #expect(arguments.contains("--embeddings"))
        #expect(value(of: "--ctx-size", in: arguments) == "2048")
        #expect(value(of: "--ubatch-size", in: arguments) == "512")
    }

    @Test func requestsMustMatchTheModelKind() {
        #expect(throws: Never.self) {
            try NodeInferenceController<SwitchyardRequestContext>.check(model(kind: .chat, context: nil), accepts: .chatCompletions)
        }
        #expect(throws: OpenAIError.self) {
            try NodeInferenceController<SwitchyardRequestContext>.check(model(kind: .chat, context: nil), accepts: .embeddings)
        }
        #expect(throws: OpenAIError.self) {
            try NodeInferenceController<SwitchyardRequestContext>.check(model(kind: .embedding, context: nil), accepts: .completions)
        }
    }
}

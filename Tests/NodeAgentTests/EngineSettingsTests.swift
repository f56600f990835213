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
        shape: ServingShape(slots: 4, contextPerSlot: 2048),
        startTimeout: .seconds(5),
        environment: [:]
    )
    let cpu = Placement(backend: .cpu, devices: ["CPU"], bytes: [1])

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
        let arguments = settings.arguments(for: model(kind: .chat, context: 8192), port: 9000, placement: cpu)
        #expect(value(of: "--host", in: arguments) == "127.0.0.1")
        #expect(value(of: "--port", in: arguments) == "9000")
        #expect(value(of: "--ctx-size", in: arguments) == "8192")
        #expect(value(of: "--alias", in: arguments) == "org/m")
        #expect(!arguments.contains("--embeddings"))
        #expect(arguments.suffix(2) == ["--seed", "1"])
    }

    @Test func embeddingModelsAreCappedByTheirTrainingContext() {
        let arguments = settings.arguments(for: model(kind: .embedding, context: 512), port: 9000, placement: cpu)
        #expect(arguments.contains("--embeddings"))
        #expect(value(of: "--ctx-size", in: arguments) == "2048")
        #expect(value(of: "--ubatch-size", in: arguments) == "512")
    }

    @Test func placementsBecomeDeviceFlags() {
        let onCPU = settings.arguments(for: model(kind: .chat, context: nil), port: 9000, placement: cpu)
        #expect(value(of: "--n-gpu-layers", in: onCPU) == "0")
        #expect(value(of: "--device", in: onCPU) == "none")
        let one = Placement(backend: .cuda, devices: ["CUDA1"], bytes: [1 << 30])
        let onOne = settings.arguments(for: model(kind: .chat, context: nil), port: 9000, placement: one)
        #expect(value(of: "--device", in: onOne) == "CUDA1")
        #expect(value(of: "--n-gpu-layers", in: onOne) == "999")
        #expect(!onOne.contains("--tensor-split"))
        let split = Placement(backend: .cuda, devices: ["CUDA0", "CUDA1"], bytes: [1 << 30, 3 << 30])
        let onBoth = settings.arguments(for: model(kind: .chat, context: nil), port: 9000, placement: split)
        #expect(value(of: "--device", in: onBoth) == "CUDA0,CUDA1")
        #expect(value(of: "--split-mode", in: onBoth) == "layer")
        #expect(value(of: "--tensor-split", in: onBoth) == "0.250,0.750")
    }

    @Test func requestsMustMatchTheModelKind() {
        typealias Controller = NodeInferenceController<SwitchyardRequestContext>
        let answers: [LocalModel.Kind: Set<InferenceRoute>] = [
            .chat: [.chatCompletions, .completions, .responses, .responsesInputTokens, .messages, .messagesCountTokens, .audioTranscriptions],
            .embedding: [.embeddings],
            .reranker: [.rerank],
        ]
        for (kind, routes) in answers {
            for route in InferenceRoute.allCases {
                let accepted = (try? Controller.check(model(kind: kind, context: nil), accepts: route)) != nil
                #expect(accepted == routes.contains(route), "\(kind) on \(route.path)")
            }
        }
    }

    @Test func rerankersStartAsRerankingEncoders() {
        let arguments = settings.arguments(for: model(kind: .reranker, context: 512), port: 9000, placement: cpu)
        #expect(arguments.contains("--embeddings") && arguments.contains("--reranking"))
        #expect(value(of: "--ubatch-size", in: arguments) == "512")
    }
}

import Foundation
import Testing

@testable import SwitchyardAgent

/// The fake CUDA driver through the real path: the built agent runs as the probe child, the C
/// shim dlopens the fake library, and the parent maps hangs and crashes.
@Suite(.enabled(if: BuiltProducts.available || TestSettings.isCI, "needs swift build's products"))
struct IsolatedProbeTests {
    func probeCUDA(mode: String, library: String? = nil, timeout: Duration = .seconds(10)) async -> (BackendProbe, Duration) {
        let environment = [
            "SWITCHYARD_CUDA_LIBRARY": library ?? BuiltProducts.fakeCUDA.path,
            "SWITCHYARD_NVML_LIBRARY": "/nonexistent/libnvidia-ml.so.1",
            "SWITCHYARD_FAKE_CUDA_MODE": mode,
        ]
        let prober = IsolatedProber(executable: BuiltProducts.agent, environment: environment)
        let start = ContinuousClock.now
        let probe = await prober.probe(.cuda, deadline: start + timeout)
        return (probe, ContinuousClock.now - start)
    }

    @Test func okModeListsTwoGPUs() async throws {
        let (probe, _) = await probeCUDA(mode: "ok")
        #expect(probe.status == .ok, "\(probe.message)")
        #expect(probe.apiVersion == "12.8")
        #expect(probe.devices.map(\.name) == ["Fake GPU 24GB", "Fake GPU 48GB"])
        let first = try #require(probe.devices.first)
        #expect(first.memoryTotalBytes == 24 << 30)
        #expect(first.computeVersion == "8.9")
        #expect(first.pciBusID == "0000:01:00.0")
        #expect(first.uuid?.hasPrefix("GPU-a0a1a2a3-") == true)
        #expect(!first.isSoftware)
    }

    @Test(arguments: [("nodevice", BackendProbe.Status.noDevices, 100), ("stub", .initFailed, 34), ("initerror", .initFailed, 999)])
    func driverErrorsKeepTheirNativeCode(mode: String, status: BackendProbe.Status, code: Int) async {
        let (probe, _) = await probeCUDA(mode: mode)
        #expect(probe.status == status)
        #expect(probe.code == code)
    }

    @Test func stubLibraryExplainsItself() async {
        let (probe, _) = await probeCUDA(mode: "stub")
        #expect(probe.message.contains("stub"))
    }

    @Test func missingLibraryIsNotInstalled() async {
        let (probe, _) = await probeCUDA(mode: "ok", library: "/nonexistent/libcuda.so.1")
        #expect(probe.status == .notInstalled)
    }

    @Test func hangingDriverTimesOutWithinTheDeadline() async {
        let (probe, elapsed) = await probeCUDA(mode: "hang", timeout: .milliseconds(800))
        #expect(probe.status == .timedOut)
        #expect(elapsed < .seconds(3))
    }

    @Test func crashingDriverIsReportedAsCrashed() async {
        let (probe, _) = await probeCUDA(mode: "crash")
        #expect(probe.status == .crashed)
        #expect(probe.signal == 11)
    }

    @Test func wholeDetectionSurvivesAHangWithinTheTimeout() async {
        let environment = ProcessInfo.processInfo.environment.merging([
            "SWITCHYARD_CUDA_LIBRARY": BuiltProducts.fakeCUDA.path,
            "SWITCHYARD_FAKE_CUDA_MODE": "hang",
        ]) { $1 }
        var settings = DetectionSettings(environment: environment)
        settings.probeTimeout = .seconds(1)
        let detector = HostDetector(settings: settings, prober: IsolatedProber(executable: BuiltProducts.agent, environment: environment))
        let start = ContinuousClock.now
        let report = await detector.detect()
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(report.probes.first { $0.backend == .cuda }?.status == .timedOut)
        #expect(report.backend != .cuda)
    }
}

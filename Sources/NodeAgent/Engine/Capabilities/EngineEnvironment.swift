/// The environment variables the agent gives its engines (and the engine probe) so that the
/// engine sees the devices detection chose, no more.
///
/// CUDA and ROCm apply their visibility variables in the driver, and the engine inherits them.
/// llama.cpp's Vulkan backend skips CPU-type devices (lavapipe) unless `GGML_VK_VISIBLE_DEVICES`
/// names them, so for Vulkan the chosen devices' indices are named explicitly, unless the
/// operator already set the variable.
enum EngineEnvironment {
    static func variables(for report: DetectionReport, base: [String: String]) -> [String: String] {
        var variables = base
        if report.backend == .vulkan, base["GGML_VK_VISIBLE_DEVICES"] == nil, !report.devices.isEmpty {
            variables["GGML_VK_VISIBLE_DEVICES"] = report.devices.map { String($0.index) }.joined(separator: ",")
        }
        return variables
    }
}

#ifndef SWITCHYARD_GPU_SHIMS_H
#define SWITCHYARD_GPU_SHIMS_H

/// Small C probes over GPU runtime libraries.
///
/// Every library is opened with dlopen at run time; nothing here links against a GPU library.
/// The caller owns all memory: results are written into caller-provided structs and arrays,
/// strings are always NUL-terminated, and no function allocates memory the caller must free,
/// aborts, exits or keeps global state. Vendor libraries are never dlclose'd after their
/// initialisation ran (unloading drivers is unsafe); the agent runs each probe in a
/// short-lived child process for that reason and to survive hangs and crashes.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Probe outcome codes (`sy_probe_result.status`).
#define SY_PROBE_OK 0
#define SY_PROBE_NOT_INSTALLED 1
#define SY_PROBE_UNUSABLE_LIBRARY 2
#define SY_PROBE_INIT_FAILED 3
#define SY_PROBE_NO_DEVICES 4
#define SY_PROBE_QUERY_FAILED 5

/// Device kinds (`sy_device.kind`).
#define SY_DEVICE_UNKNOWN 0
#define SY_DEVICE_DISCRETE 1
#define SY_DEVICE_INTEGRATED 2
#define SY_DEVICE_VIRTUAL 3
#define SY_DEVICE_CPU 4
#define SY_DEVICE_ACCELERATOR 5

/// One device as one API sees it.
typedef struct {
    int32_t index;
    int32_t kind;
    uint32_t vendor_id;
    uint32_t device_id;
    /// Total device memory in bytes (0 = unknown).
    uint64_t memory_total;
    /// Free device memory in bytes (0 = unknown).
    uint64_t memory_free;
    /// CUDA compute capability, or the device's Vulkan/OpenCL API version.
    int32_t compute_major;
    int32_t compute_minor;
    /// Streaming multiprocessors / compute units (0 = unknown).
    int32_t compute_units;
    int32_t reserved;
    char name[256];
    char vendor[64];
    char driver[128];
    /// CUDA "GPU-…" UUID or the Vulkan/OpenCL device UUID, formatted 8-4-4-4-12.
    char uuid[64];
    /// PCI address, "dddd:bb:dd.f" (empty when unknown).
    char pci_bus_id[32];
} sy_device;

/// The outcome of one backend probe.
typedef struct {
    int32_t status;
    /// The native error code of the failing call (CUresult, VkResult, cl_int), 0 otherwise.
    int32_t native_code;
    /// Devices the API reported.
    int32_t device_count;
    /// Devices written to the caller's array (at most its capacity).
    int32_t devices_written;
    char api_version[64];
    char driver_version[64];
    /// The library that was opened.
    char library[256];
    /// A human-readable explanation.
    char message[256];
} sy_probe_result;

/// Probes NVIDIA GPUs through the CUDA driver API (`libcuda.so.1`), with NVML
/// (`libnvidia-ml.so.1`) for free memory and the kernel driver version when present.
/// NULL paths mean the standard sonames. Returns the status also stored in `result`.
int32_t sy_probe_cuda(const char *cuda_path, const char *nvml_path, sy_device *devices, int32_t capacity, sy_probe_result *result);

/// Probes Vulkan physical devices through the loader (`libvulkan.so.1`).
int32_t sy_probe_vulkan(const char *library_path, sy_device *devices, int32_t capacity, sy_probe_result *result);

/// Probes OpenCL devices on every platform through the ICD loader (`libOpenCL.so.1`).
int32_t sy_probe_opencl(const char *library_path, sy_device *devices, int32_t capacity, sy_probe_result *result);

#ifdef __cplusplus
}
#endif

#endif

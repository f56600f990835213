// CUDA driver API probe. No CUDA package exists on build machines, so the handful of driver
// types and entry points used here are declared by hand, matching cuda.h and nvml.h.

#include "shim_common.h"

typedef int CUresult;
typedef int CUdevice;
typedef struct {
    unsigned char bytes[16];
} CUuuid;

enum {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_STUB_LIBRARY = 34,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_UNKNOWN = 999,
    ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
    ATTRIBUTE_INTEGRATED = 18,
    ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};

typedef CUresult (*cuInit_fn)(unsigned int);
typedef CUresult (*cuDriverGetVersion_fn)(int *);
typedef CUresult (*cuDeviceGetCount_fn)(int *);
typedef CUresult (*cuDeviceGet_fn)(CUdevice *, int);
typedef CUresult (*cuDeviceGetName_fn)(char *, int, CUdevice);
typedef CUresult (*cuDeviceGetAttribute_fn)(int *, int, CUdevice);
typedef CUresult (*cuDeviceTotalMem_fn)(size_t *, CUdevice);
typedef CUresult (*cuDeviceGetUuid_fn)(CUuuid *, CUdevice);
typedef CUresult (*cuDeviceGetPCIBusId_fn)(char *, int, CUdevice);
typedef CUresult (*cuGetErrorName_fn)(CUresult, const char **);

typedef int nvmlReturn_t;
typedef void *nvmlDevice_t;
typedef struct {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;
typedef nvmlReturn_t (*nvmlInit_fn)(void);
typedef nvmlReturn_t (*nvmlShutdown_fn)(void);
typedef nvmlReturn_t (*nvmlSystemGetDriverVersion_fn)(char *, unsigned int);
typedef nvmlReturn_t (*nvmlDeviceGetHandleByPciBusId_fn)(const char *, nvmlDevice_t *);
typedef nvmlReturn_t (*nvmlDeviceGetMemoryInfo_fn)(nvmlDevice_t, nvmlMemory_t *);

typedef struct {
    cuInit_fn init;
    cuDeviceGetCount_fn get_count;
    cuDeviceGet_fn get;
    cuDeviceGetName_fn get_name;
    cuDeviceGetAttribute_fn get_attribute;
    cuDeviceTotalMem_fn total_mem;
    cuDriverGetVersion_fn driver_version;
    cuDeviceGetUuid_fn get_uuid;
    cuDeviceGetPCIBusId_fn get_pci_bus_id;
    cuGetErrorName_fn error_name;
} cuda_api;

static const char *error_name(const cuda_api *api, CUresult code) {
    const char *name = NULL;
    if (api->error_name != NULL && api->error_name(code, &name) == CUDA_SUCCESS && name != NULL) return name;
    return "CUDA error";
}

static int load_cuda(void *handle, cuda_api *api) {
    api->init = (cuInit_fn)dlsym(handle, "cuInit");
    api->get_count = (cuDeviceGetCount_fn)dlsym(handle, "cuDeviceGetCount");
    api->get = (cuDeviceGet_fn)dlsym(handle, "cuDeviceGet");
    api->get_name = (cuDeviceGetName_fn)dlsym(handle, "cuDeviceGetName");
    api->get_attribute = (cuDeviceGetAttribute_fn)dlsym(handle, "cuDeviceGetAttribute");
    api->total_mem = (cuDeviceTotalMem_fn)dlsym(handle, "cuDeviceTotalMem_v2");
    if (api->total_mem == NULL) api->total_mem = (cuDeviceTotalMem_fn)dlsym(handle, "cuDeviceTotalMem");
    api->driver_version = (cuDriverGetVersion_fn)dlsym(handle, "cuDriverGetVersion");
    api->get_uuid = (cuDeviceGetUuid_fn)dlsym(handle, "cuDeviceGetUuid_v2");
    if (api->get_uuid == NULL) api->get_uuid = (cuDeviceGetUuid_fn)dlsym(handle, "cuDeviceGetUuid");
    api->get_pci_bus_id = (cuDeviceGetPCIBusId_fn)dlsym(handle, "cuDeviceGetPCIBusId");
    api->error_name = (cuGetErrorName_fn)dlsym(handle, "cuGetErrorName");
    return api->init && api->get_count && api->get && api->get_name && api->get_attribute && api->total_mem;
}

/// Adds free memory per device and the kernel driver version from NVML, when it is there.
static void add_nvml(const char *nvml_path, sy_device *devices, int32_t written, sy_probe_result *result) {
    void *nvml = dlopen(nvml_path != NULL ? nvml_path : "libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (nvml == NULL) return;
    nvmlInit_fn init = (nvmlInit_fn)dlsym(nvml, "nvmlInit_v2");
    nvmlShutdown_fn shutdown = (nvmlShutdown_fn)dlsym(nvml, "nvmlShutdown");
    nvmlSystemGetDriverVersion_fn driver = (nvmlSystemGetDriverVersion_fn)dlsym(nvml, "nvmlSystemGetDriverVersion");
    nvmlDeviceGetHandleByPciBusId_fn by_bus = (nvmlDeviceGetHandleByPciBusId_fn)dlsym(nvml, "nvmlDeviceGetHandleByPciBusId_v2");
    nvmlDeviceGetMemoryInfo_fn memory = (nvmlDeviceGetMemoryInfo_fn)dlsym(nvml, "nvmlDeviceGetMemoryInfo");
    if (init == NULL || init() != 0) return;
    char version[80] = {0};
    if (driver != NULL && driver(version, sizeof version) == 0) sy_copy(result->driver_version, sizeof result->driver_version, version);
    for (int32_t index = 0; index < written && by_bus != NULL && memory != NULL; index++) {
        nvmlDevice_t device = NULL;
        nvmlMemory_t info = {0, 0, 0};
        if (devices[index].pci_bus_id[0] == '\0') continue;
        if (by_bus(devices[index].pci_bus_id, &device) == 0 && memory(device, &info) == 0) devices[index].memory_free = info.free;
    }
    if (shutdown != NULL) shutdown();
}

int32_t sy_probe_cuda(const char *cuda_path, const char *nvml_path, sy_device *devices, int32_t capacity, sy_probe_result *result) {
    const char *library = cuda_path != NULL ? cuda_path : "libcuda.so.1";
    sy_begin(result, devices, capacity, library);
    void *handle = sy_open(library, result);
    if (handle == NULL) return result->status;
    cuda_api api;
    memset(&api, 0, sizeof api);
    if (!load_cuda(handle, &api)) {
        dlclose(handle);
        return sy_finish(result, SY_PROBE_UNUSABLE_LIBRARY, 0, "%s lacks required CUDA driver entry points", library);
    }

    CUresult status = api.init(0);
    if (status == CUDA_ERROR_NO_DEVICE) return sy_finish(result, SY_PROBE_NO_DEVICES, status, "cuInit: no CUDA-capable device");
    if (status == CUDA_ERROR_STUB_LIBRARY)
        return sy_finish(result, SY_PROBE_INIT_FAILED, status, "cuInit returned 34: the CUDA toolkit's stub libcuda was loaded, not the driver");
    if (status == CUDA_ERROR_UNKNOWN)
        return sy_finish(result, SY_PROBE_INIT_FAILED, status,
                         "cuInit returned 999 (CUDA_ERROR_UNKNOWN); after suspend/resume reloading nvidia_uvm usually helps");
    if (status != CUDA_SUCCESS) return sy_finish(result, SY_PROBE_INIT_FAILED, status, "cuInit failed: %s", error_name(&api, status));

    int version = 0;
    if (api.driver_version != NULL && api.driver_version(&version) == CUDA_SUCCESS)
        snprintf(result->api_version, sizeof result->api_version, "%d.%d", version / 1000, (version % 1000) / 10);

    int count = 0;
    status = api.get_count(&count);
    if (status != CUDA_SUCCESS) return sy_finish(result, SY_PROBE_QUERY_FAILED, status, "cuDeviceGetCount failed: %s", error_name(&api, status));
    if (count <= 0) return sy_finish(result, SY_PROBE_NO_DEVICES, 0, "the CUDA driver reports no devices");
    result->device_count = count;

    int32_t written = 0;
    for (int ordinal = 0; ordinal < count && written < capacity; ordinal++) {
        CUdevice device = 0;
        if (api.get(&device, ordinal) != CUDA_SUCCESS) continue;
        sy_device *out = &devices[written];
        out->index = ordinal;
        out->vendor_id = 0x10de;
        sy_copy(out->vendor, sizeof out->vendor, "NVIDIA");
        api.get_name(out->name, (int)sizeof out->name, device);
        out->name[sizeof out->name - 1] = '\0';
        int value = 0;
        if (api.get_attribute(&value, ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device) == CUDA_SUCCESS) out->compute_major = value;
        if (api.get_attribute(&value, ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device) == CUDA_SUCCESS) out->compute_minor = value;
        if (api.get_attribute(&value, ATTRIBUTE_MULTIPROCESSOR_COUNT, device) == CUDA_SUCCESS) out->compute_units = value;
        int integrated = 0;
        api.get_attribute(&integrated, ATTRIBUTE_INTEGRATED, device);
        out->kind = integrated ? SY_DEVICE_INTEGRATED : SY_DEVICE_DISCRETE;
        size_t total = 0;
        if (api.total_mem(&total, device) == CUDA_SUCCESS) out->memory_total = total;
        CUuuid uuid;
        if (api.get_uuid != NULL && api.get_uuid(&uuid, device) == CUDA_SUCCESS) sy_format_uuid(out->uuid, sizeof out->uuid, "GPU-", uuid.bytes);
        if (api.get_pci_bus_id != NULL) {
            char bus[32] = {0};
            if (api.get_pci_bus_id(bus, (int)sizeof bus, device) == CUDA_SUCCESS) sy_copy(out->pci_bus_id, sizeof out->pci_bus_id, bus);
        }
        if (version > 0) snprintf(out->driver, sizeof out->driver, "CUDA %d.%d", version / 1000, (version % 1000) / 10);
        written++;
    }
    result->devices_written = written;
    add_nvml(nvml_path, devices, written, result);
    return sy_finish(result, SY_PROBE_OK, 0, "%d CUDA device(s)", count);
}

// OpenCL probe over the ICD loader. Types and function-pointer typedefs come from the official
// headers (ocl-icd-opencl-dev); the functions themselves are resolved with dlsym.

#include "shim_common.h"

#if __has_include(<CL/cl_icd.h>)
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <CL/cl_icd.h>

#ifndef CL_PLATFORM_NOT_FOUND_KHR
#define CL_PLATFORM_NOT_FOUND_KHR -1001
#endif
#ifndef CL_DEVICE_UUID_KHR
#define CL_DEVICE_UUID_KHR 0x106A
#endif
#ifndef CL_DEVICE_PCI_BUS_INFO_KHR
#define CL_DEVICE_PCI_BUS_INFO_KHR 0x410F
#endif

typedef struct {
    cl_api_clGetPlatformIDs get_platforms;
    cl_api_clGetPlatformInfo get_platform_info;
    cl_api_clGetDeviceIDs get_devices;
    cl_api_clGetDeviceInfo get_device_info;
} opencl_api;

/// The PCI address layout of cl_khr_pci_bus_info.
typedef struct {
    cl_uint domain, bus, device, function;
} pci_bus_info;

/// Reads a string property: the size first, since a short buffer makes OpenCL fail rather
/// than truncate.
static void device_string(const opencl_api *api, cl_device_id device, cl_device_info what, char *out, size_t size) {
    size_t needed = 0;
    out[0] = '\0';
    if (api->get_device_info(device, what, 0, NULL, &needed) != CL_SUCCESS || needed == 0) return;
    char buffer[1024];
    if (needed > sizeof buffer) needed = sizeof buffer;
    if (api->get_device_info(device, what, needed, buffer, NULL) != CL_SUCCESS) return;
    buffer[needed - 1] = '\0';
    sy_copy(out, size, buffer);
}

static void platform_string(const opencl_api *api, cl_platform_id platform, cl_platform_info what, char *out, size_t size) {
    size_t needed = 0;
    out[0] = '\0';
    if (api->get_platform_info(platform, what, 0, NULL, &needed) != CL_SUCCESS || needed == 0) return;
    char buffer[1024];
    if (needed > sizeof buffer) needed = sizeof buffer;
    if (api->get_platform_info(platform, what, needed, buffer, NULL) != CL_SUCCESS) return;
    buffer[needed - 1] = '\0';
    sy_copy(out, size, buffer);
}

static void read_device(const opencl_api *api, cl_device_id device, int32_t index, sy_device *out) {
    cl_device_type type = 0;
    cl_uint vendor_id = 0, units = 0;
    cl_ulong memory = 0;
    cl_bool unified = CL_FALSE;
    api->get_device_info(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    api->get_device_info(device, CL_DEVICE_VENDOR_ID, sizeof vendor_id, &vendor_id, NULL);
    api->get_device_info(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
    api->get_device_info(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof memory, &memory, NULL);
    api->get_device_info(device, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified, NULL);
    out->index = index;
    out->vendor_id = vendor_id;
    out->compute_units = (int32_t)units;
    out->memory_total = memory;
    if (type & CL_DEVICE_TYPE_CPU) out->kind = SY_DEVICE_CPU;
    else if (type & CL_DEVICE_TYPE_GPU) out->kind = unified ? SY_DEVICE_INTEGRATED : SY_DEVICE_DISCRETE;
    else if (type & CL_DEVICE_TYPE_ACCELERATOR) out->kind = SY_DEVICE_ACCELERATOR;
    else out->kind = SY_DEVICE_UNKNOWN;
    device_string(api, device, CL_DEVICE_NAME, out->name, sizeof out->name);
    device_string(api, device, CL_DEVICE_VENDOR, out->vendor, sizeof out->vendor);
    device_string(api, device, CL_DRIVER_VERSION, out->driver, sizeof out->driver);
    char version[128];
    device_string(api, device, CL_DEVICE_VERSION, version, sizeof version);
    int major = 0, minor = 0;
    if (sscanf(version, "OpenCL %d.%d", &major, &minor) == 2) {
        out->compute_major = major;
        out->compute_minor = minor;
    }
    unsigned char uuid[16];
    if (api->get_device_info(device, CL_DEVICE_UUID_KHR, sizeof uuid, uuid, NULL) == CL_SUCCESS) sy_format_uuid(out->uuid, sizeof out->uuid, "", uuid);
    pci_bus_info bus;
    if (api->get_device_info(device, CL_DEVICE_PCI_BUS_INFO_KHR, sizeof bus, &bus, NULL) == CL_SUCCESS)
        snprintf(out->pci_bus_id, sizeof out->pci_bus_id, "%04x:%02x:%02x.%x", bus.domain, bus.bus, bus.device, bus.function);
}

int32_t sy_probe_opencl(const char *library_path, sy_device *devices, int32_t capacity, sy_probe_result *result) {
    const char *library = library_path != NULL ? library_path : "libOpenCL.so.1";
    sy_begin(result, devices, capacity, library);
    void *handle = sy_open(library, result);
    if (handle == NULL) return result->status;
    opencl_api api;
    api.get_platforms = (cl_api_clGetPlatformIDs)dlsym(handle, "clGetPlatformIDs");
    api.get_platform_info = (cl_api_clGetPlatformInfo)dlsym(handle, "clGetPlatformInfo");
    api.get_devices = (cl_api_clGetDeviceIDs)dlsym(handle, "clGetDeviceIDs");
    api.get_device_info = (cl_api_clGetDeviceInfo)dlsym(handle, "clGetDeviceInfo");
    if (!api.get_platforms || !api.get_platform_info || !api.get_devices || !api.get_device_info) {
        dlclose(handle);
        return sy_finish(result, SY_PROBE_UNUSABLE_LIBRARY, 0, "%s lacks required OpenCL entry points", library);
    }

    cl_uint platform_count = 0;
    cl_int status = api.get_platforms(0, NULL, &platform_count);
    if (status == CL_PLATFORM_NOT_FOUND_KHR || (status == CL_SUCCESS && platform_count == 0))
        return sy_finish(result, SY_PROBE_NO_DEVICES, status, "the OpenCL loader found no platform (no vendor .icd)");
    if (status != CL_SUCCESS) return sy_finish(result, SY_PROBE_INIT_FAILED, status, "clGetPlatformIDs failed (%d)", status);
    cl_platform_id platforms[16];
    if (platform_count > 16) platform_count = 16;
    api.get_platforms(platform_count, platforms, NULL);

    int32_t found = 0, written = 0;
    for (cl_uint p = 0; p < platform_count; p++) {
        if (result->api_version[0] == '\0') platform_string(&api, platforms[p], CL_PLATFORM_VERSION, result->api_version, sizeof result->api_version);
        cl_uint count = 0;
        if (api.get_devices(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &count) != CL_SUCCESS || count == 0) continue;
        cl_device_id ids[64];
        if (count > 64) count = 64;
        if (api.get_devices(platforms[p], CL_DEVICE_TYPE_ALL, count, ids, NULL) != CL_SUCCESS) continue;
        for (cl_uint d = 0; d < count; d++, found++) {
            if (written < capacity) read_device(&api, ids[d], found, &devices[written++]);
        }
    }
    result->device_count = found;
    result->devices_written = written;
    if (found == 0) return sy_finish(result, SY_PROBE_NO_DEVICES, CL_DEVICE_NOT_FOUND, "OpenCL platforms have no devices");
    return sy_finish(result, SY_PROBE_OK, 0, "%d OpenCL device(s) on %u platform(s)", found, platform_count);
}

#else

int32_t sy_probe_opencl(const char *library_path, sy_device *devices, int32_t capacity, sy_probe_result *result) {
    sy_begin(result, devices, capacity, library_path != NULL ? library_path : "libOpenCL.so.1");
    return sy_finish(result, SY_PROBE_NOT_INSTALLED, 0, "built without the OpenCL headers (ocl-icd-opencl-dev)");
}

#endif

// Vulkan probe over the loader. Types and function-pointer typedefs come from the official
// headers (libvulkan-dev); VK_NO_PROTOTYPES keeps the build free of any link to libvulkan.

#include "shim_common.h"

#if __has_include(<vulkan/vulkan_core.h>)
#define VK_NO_PROTOTYPES
#include <vulkan/vulkan_core.h>

typedef struct {
    PFN_vkDestroyInstance destroy_instance;
    PFN_vkEnumeratePhysicalDevices enumerate_devices;
    PFN_vkGetPhysicalDeviceProperties get_properties;
    PFN_vkGetPhysicalDeviceProperties2 get_properties2;
    PFN_vkGetPhysicalDeviceMemoryProperties get_memory;
    PFN_vkGetPhysicalDeviceMemoryProperties2 get_memory2;
    PFN_vkEnumerateDeviceExtensionProperties enumerate_extensions;
} vulkan_api;

static int has_extension(const vulkan_api *api, VkPhysicalDevice device, const char *name) {
    uint32_t count = 0;
    if (api->enumerate_extensions == NULL || api->enumerate_extensions(device, NULL, &count, NULL) != VK_SUCCESS) return 0;
    VkExtensionProperties extensions[512];
    if (count > 512) count = 512;
    if (api->enumerate_extensions(device, NULL, &count, extensions) < 0) return 0;
    for (uint32_t index = 0; index < count; index++) {
        if (strcmp(extensions[index].extensionName, name) == 0) return 1;
    }
    return 0;
}

static int32_t kind_of(VkPhysicalDeviceType type) {
    switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return SY_DEVICE_DISCRETE;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return SY_DEVICE_INTEGRATED;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return SY_DEVICE_VIRTUAL;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return SY_DEVICE_CPU;
    default: return SY_DEVICE_UNKNOWN;
    }
}

/// Memory: the sum of device-local heaps (all heaps when none is device-local), and the free
/// part of them when VK_EXT_memory_budget is available (left 0 = unknown otherwise).
static void read_memory(const vulkan_api *api, VkPhysicalDevice device, int has_budget, sy_device *out) {
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget;
    memset(&budget, 0, sizeof budget);
    budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT;
    VkPhysicalDeviceMemoryProperties2 properties2;
    memset(&properties2, 0, sizeof properties2);
    properties2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2;
    int budget_known = 0;
    if (has_budget && api->get_memory2 != NULL) {
        properties2.pNext = &budget;
        api->get_memory2(device, &properties2);
        budget_known = 1;
    } else {
        api->get_memory(device, &properties2.memoryProperties);
    }
    const VkPhysicalDeviceMemoryProperties *memory = &properties2.memoryProperties;
    int any_local = 0;
    for (uint32_t heap = 0; heap < memory->memoryHeapCount; heap++) {
        if (memory->memoryHeaps[heap].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) any_local = 1;
    }
    for (uint32_t heap = 0; heap < memory->memoryHeapCount; heap++) {
        if (any_local && !(memory->memoryHeaps[heap].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)) continue;
        out->memory_total += memory->memoryHeaps[heap].size;
        if (budget_known && budget.heapBudget[heap] > budget.heapUsage[heap]) out->memory_free += budget.heapBudget[heap] - budget.heapUsage[heap];
    }
}

static void read_device(const vulkan_api *api, VkPhysicalDevice device, uint32_t instance_version, int32_t index, sy_device *out) {
    VkPhysicalDeviceProperties properties;
    api->get_properties(device, &properties);
    out->index = index;
    out->kind = kind_of(properties.deviceType);
    out->vendor_id = properties.vendorID;
    out->device_id = properties.deviceID;
    out->compute_major = (int32_t)VK_API_VERSION_MAJOR(properties.apiVersion);
    out->compute_minor = (int32_t)VK_API_VERSION_MINOR(properties.apiVersion);
    sy_copy(out->name, sizeof out->name, properties.deviceName);
    snprintf(out->driver, sizeof out->driver, "driver version 0x%08x", properties.driverVersion);

    int has_budget = has_extension(api, device, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    if (instance_version >= VK_API_VERSION_1_1 && properties.apiVersion >= VK_API_VERSION_1_1 && api->get_properties2 != NULL) {
        VkPhysicalDeviceIDProperties ids;
        VkPhysicalDeviceDriverProperties driver;
        VkPhysicalDevicePCIBusInfoPropertiesEXT bus;
        memset(&ids, 0, sizeof ids);
        memset(&driver, 0, sizeof driver);
        memset(&bus, 0, sizeof bus);
        ids.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES;
        driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
        bus.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT;
        VkPhysicalDeviceProperties2 properties2;
        memset(&properties2, 0, sizeof properties2);
        properties2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
        properties2.pNext = &ids;
        void **tail = &ids.pNext;
        int has_driver = properties.apiVersion >= VK_API_VERSION_1_2;
        int has_bus = has_extension(api, device, VK_EXT_PCI_BUS_INFO_EXTENSION_NAME);
        if (has_driver) { *tail = &driver; tail = &driver.pNext; }
        if (has_bus) { *tail = &bus; tail = &bus.pNext; }
        api->get_properties2(device, &properties2);
        sy_format_uuid(out->uuid, sizeof out->uuid, "", ids.deviceUUID);
        if (has_driver && driver.driverName[0] != '\0') snprintf(out->driver, sizeof out->driver, "%s %s", driver.driverName, driver.driverInfo);
        if (has_bus) snprintf(out->pci_bus_id, sizeof out->pci_bus_id, "%04x:%02x:%02x.%x", bus.pciDomain, bus.pciBus, bus.pciDevice, bus.pciFunction);
    }
    read_memory(api, device, has_budget, out);
}

int32_t sy_probe_vulkan(const char *library_path, sy_device *devices, int32_t capacity, sy_probe_result *result) {
    const char *library = library_path != NULL ? library_path : "libvulkan.so.1";
    sy_begin(result, devices, capacity, library);
    void *handle = sy_open(library, result);
    if (handle == NULL) return result->status;
    PFN_vkGetInstanceProcAddr get_proc = (PFN_vkGetInstanceProcAddr)dlsym(handle, "vkGetInstanceProcAddr");
    if (get_proc == NULL) {
        dlclose(handle);
        return sy_finish(result, SY_PROBE_UNUSABLE_LIBRARY, 0, "%s has no vkGetInstanceProcAddr", library);
    }
    PFN_vkEnumerateInstanceVersion instance_version_fn = (PFN_vkEnumerateInstanceVersion)get_proc(NULL, "vkEnumerateInstanceVersion");
    PFN_vkCreateInstance create_instance = (PFN_vkCreateInstance)get_proc(NULL, "vkCreateInstance");
    if (create_instance == NULL) return sy_finish(result, SY_PROBE_UNUSABLE_LIBRARY, 0, "the loader has no vkCreateInstance");
    uint32_t instance_version = VK_API_VERSION_1_0;
    if (instance_version_fn != NULL) instance_version_fn(&instance_version);
    snprintf(result->api_version, sizeof result->api_version, "%u.%u.%u", VK_API_VERSION_MAJOR(instance_version),
             VK_API_VERSION_MINOR(instance_version), VK_API_VERSION_PATCH(instance_version));

    VkApplicationInfo application;
    memset(&application, 0, sizeof application);
    application.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    application.pApplicationName = "switchyard-agent";
    application.apiVersion = instance_version >= VK_API_VERSION_1_3 ? VK_API_VERSION_1_3 : instance_version;
    VkInstanceCreateInfo create;
    memset(&create, 0, sizeof create);
    create.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    create.pApplicationInfo = &application;
    VkInstance instance = VK_NULL_HANDLE;
    VkResult status = create_instance(&create, NULL, &instance);
    if (status == VK_ERROR_INCOMPATIBLE_DRIVER) return sy_finish(result, SY_PROBE_NO_DEVICES, status, "no Vulkan driver (ICD) is installed or usable");
    if (status != VK_SUCCESS) return sy_finish(result, SY_PROBE_INIT_FAILED, status, "vkCreateInstance failed (%d)", status);

    vulkan_api api;
    api.destroy_instance = (PFN_vkDestroyInstance)get_proc(instance, "vkDestroyInstance");
    api.enumerate_devices = (PFN_vkEnumeratePhysicalDevices)get_proc(instance, "vkEnumeratePhysicalDevices");
    api.get_properties = (PFN_vkGetPhysicalDeviceProperties)get_proc(instance, "vkGetPhysicalDeviceProperties");
    api.get_properties2 = (PFN_vkGetPhysicalDeviceProperties2)get_proc(instance, "vkGetPhysicalDeviceProperties2");
    api.get_memory = (PFN_vkGetPhysicalDeviceMemoryProperties)get_proc(instance, "vkGetPhysicalDeviceMemoryProperties");
    api.get_memory2 = (PFN_vkGetPhysicalDeviceMemoryProperties2)get_proc(instance, "vkGetPhysicalDeviceMemoryProperties2");
    api.enumerate_extensions = (PFN_vkEnumerateDeviceExtensionProperties)get_proc(instance, "vkEnumerateDeviceExtensionProperties");
    if (api.enumerate_devices == NULL || api.get_properties == NULL || api.get_memory == NULL) {
        if (api.destroy_instance != NULL) api.destroy_instance(instance, NULL);
        return sy_finish(result, SY_PROBE_UNUSABLE_LIBRARY, 0, "the Vulkan instance lacks device query entry points");
    }

    uint32_t count = 0;
    status = api.enumerate_devices(instance, &count, NULL);
    if (status != VK_SUCCESS) {
        api.destroy_instance(instance, NULL);
        return sy_finish(result, SY_PROBE_QUERY_FAILED, status, "vkEnumeratePhysicalDevices failed (%d)", status);
    }
    if (count == 0) {
        api.destroy_instance(instance, NULL);
        return sy_finish(result, SY_PROBE_NO_DEVICES, 0, "the Vulkan loader found no physical device");
    }
    VkPhysicalDevice physical[64];
    if (count > 64) count = 64;
    api.enumerate_devices(instance, &count, physical);
    result->device_count = (int32_t)count;
    int32_t written = 0;
    for (uint32_t index = 0; index < count && written < capacity; index++, written++) {
        read_device(&api, physical[index], instance_version, (int32_t)index, &devices[written]);
    }
    result->devices_written = written;
    api.destroy_instance(instance, NULL);
    return sy_finish(result, SY_PROBE_OK, 0, "%u Vulkan device(s)", count);
}

#else

int32_t sy_probe_vulkan(const char *library_path, sy_device *devices, int32_t capacity, sy_probe_result *result) {
    sy_begin(result, devices, capacity, library_path != NULL ? library_path : "libvulkan.so.1");
    return sy_finish(result, SY_PROBE_NOT_INSTALLED, 0, "built without the Vulkan headers (libvulkan-dev)");
}

#endif

#ifndef SWITCHYARD_SHIM_COMMON_H
#define SWITCHYARD_SHIM_COMMON_H

// Private helpers shared by the probe files (not part of the module's public header).

#include "gpu_shims.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/// Copies at most size-1 bytes of `source` and always terminates `destination`.
static inline void sy_copy(char *destination, size_t size, const char *source) {
    if (size == 0) return;
    size_t index = 0;
    if (source != NULL) {
        for (; index + 1 < size && source[index] != '\0'; index++) destination[index] = source[index];
    }
    destination[index] = '\0';
}

/// Sets the result's status, native code and formatted message; returns the status.
static inline int32_t sy_finish(sy_probe_result *result, int32_t status, int32_t native_code, const char *format, ...) {
    result->status = status;
    result->native_code = native_code;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(result->message, sizeof result->message, format, arguments);
    va_end(arguments);
    return status;
}

/// Clears the result and the device array before a probe.
static inline void sy_begin(sy_probe_result *result, sy_device *devices, int32_t capacity, const char *library) {
    memset(result, 0, sizeof *result);
    if (devices != NULL && capacity > 0) memset(devices, 0, sizeof *devices * (size_t)capacity);
    sy_copy(result->library, sizeof result->library, library);
}

/// Opens `library` with RTLD_NOW | RTLD_LOCAL; on failure records NOT_INSTALLED with dlerror.
static inline void *sy_open(const char *library, sy_probe_result *result) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        sy_finish(result, SY_PROBE_NOT_INSTALLED, 0, "%s", reason != NULL ? reason : "cannot open library");
    }
    return handle;
}

/// Formats 16 bytes as 8-4-4-4-12 hexadecimal, with an optional prefix.
static inline void sy_format_uuid(char *destination, size_t size, const char *prefix, const unsigned char bytes[16]) {
    snprintf(destination, size, "%s%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", prefix, bytes[0],
             bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
             bytes[12], bytes[13], bytes[14], bytes[15]);
}

#endif

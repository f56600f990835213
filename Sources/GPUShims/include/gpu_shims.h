#ifndef SWITCHYARD_GPU_SHIMS_H
#define SWITCHYARD_GPU_SHIMS_H

/// Small C probes over GPU runtime libraries. Every library is opened with dlopen at run time;
/// nothing here links against a GPU library. Functions return 0 on success or a negative
/// SY_ error code, write into caller-owned buffers, and never abort.

#ifdef __cplusplus
extern "C" {
#endif

/// The library could not be opened (not installed).
#define SY_ERR_NOT_INSTALLED (-1)
/// A required symbol is missing from the library (a stub or an incompatible version).
#define SY_ERR_MISSING_SYMBOL (-2)

/// Whether the shared library `name` can be opened; 0 when it can, SY_ERR_NOT_INSTALLED otherwise.
/// When `error` is not NULL, up to `error_size` bytes of the loader's message are copied there.
int sy_library_available(const char *name, char *error, unsigned long error_size);

#ifdef __cplusplus
}
#endif

#endif

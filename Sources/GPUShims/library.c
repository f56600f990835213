#include "gpu_shims.h"

#include <dlfcn.h>
#include <string.h>

int sy_library_available(const char *name, char *error, unsigned long error_size) {
    void *handle = dlopen(name, RTLD_LAZY | RTLD_LOCAL);
    if (handle == NULL) {
        if (error != NULL && error_size > 0) {
            const char *message = dlerror();
            strncpy(error, message != NULL ? message : "unknown loader error", error_size - 1);
            error[error_size - 1] = '\0';
        }
        return SY_ERR_NOT_INSTALLED;
    }
    dlclose(handle);
    return 0;
}

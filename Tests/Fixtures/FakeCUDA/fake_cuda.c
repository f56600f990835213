// A stand-in for the CUDA driver library (libcuda.so.1), for the detection tests only: they
// compile it into a shared library (Tests/NodeAgentTests/Support/BuiltProducts.swift) and point
// the agent's probe at it. It exports the driver entry points the probe resolves with dlsym.
// SWITCHYARD_FAKE_CUDA_MODE chooses the behaviour: ok (two GPUs), nodevice, stub, initerror,
// hang, crash.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    const char *name;
    unsigned long long memory;
    int major, minor, sms;
    const char *bus;
    unsigned char uuid_tail;
} fake_gpu;

static const fake_gpu gpus[] = {
    {"Fake GPU 24GB", 24ULL << 30, 8, 9, 128, "0000:01:00.0", 0x01},
    {"Fake GPU 48GB", 48ULL << 30, 9, 0, 132, "0000:02:00.0", 0x02},
};

static const char *mode(void) {
    const char *value = getenv("SWITCHYARD_FAKE_CUDA_MODE");
    return value != NULL ? value : "ok";
}

int cuInit(unsigned int flags) {
    (void)flags;
    const char *m = mode();
    if (strcmp(m, "nodevice") == 0) return 100;
    if (strcmp(m, "stub") == 0) return 34;
    if (strcmp(m, "initerror") == 0) return 999;
    if (strcmp(m, "hang") == 0) {
        for (;;) pause();
    }
    if (strcmp(m, "crash") == 0) {
        // A real fault, as a broken driver would cause (raise() can be intercepted).
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
    return 0;
}

int cuDriverGetVersion(int *version) {
    *version = 12080;
    return 0;
}

int cuDeviceGetCount(int *count) {
    *count = 2;
    return 0;
}

int cuDeviceGet(int *device, int ordinal) {
    if (ordinal < 0 || ordinal > 1) return 101;
    *device = ordinal;
    return 0;
}

int cuDeviceGetName(char *name, int length, int device) {
    snprintf(name, (size_t)length, "%s", gpus[device].name);
    return 0;
}

int cuDeviceGetAttribute(int *value, int attribute, int device) {
    switch (attribute) {
    case 75: *value = gpus[device].major; return 0;
    case 76: *value = gpus[device].minor; return 0;
    case 16: *value = gpus[device].sms; return 0;
    case 18: *value = 0; return 0;
    default: return 1;
    }
}

int cuDeviceTotalMem_v2(size_t *bytes, int device) {
    *bytes = (size_t)gpus[device].memory;
    return 0;
}

int cuDeviceGetUuid(unsigned char uuid[16], int device) {
    for (int index = 0; index < 16; index++) uuid[index] = (unsigned char)(0xa0 + index);
    uuid[15] = gpus[device].uuid_tail;
    return 0;
}

int cuDeviceGetPCIBusId(char *bus, int length, int device) {
    snprintf(bus, (size_t)length, "%s", gpus[device].bus);
    return 0;
}

int cuGetErrorName(int code, const char **name) {
    *name = code == 999 ? "CUDA_ERROR_UNKNOWN" : "CUDA_ERROR_FAKE";
    return 0;
}

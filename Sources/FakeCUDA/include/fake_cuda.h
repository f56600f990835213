#ifndef SWITCHYARD_FAKE_CUDA_H
#define SWITCHYARD_FAKE_CUDA_H

// A stand-in for the CUDA driver library (libcuda.so.1), for tests only. It exports the driver
// entry points the agent's probe resolves with dlsym. SWITCHYARD_FAKE_CUDA_MODE chooses the
// behaviour: ok (two GPUs), nodevice, stub, initerror, hang, crash.

int cuInit(unsigned int flags);

#endif

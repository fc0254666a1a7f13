// libFuzzer's driver entry point (compiler-rt FuzzerInterface.h). The fuzz executables call it from
// their own main: SwiftPM links executables with `--defsym main=<Module>_main`, which replaces
// libFuzzer's main, so the Swift main hands control to the driver itself.
#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif

// glibc's malloc tuning (mallopt in <malloc.h>), which Swift's Glibc module does not expose.
// Imported only by SERServer. A no-op returning 0 where the C library is not glibc.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
/// Caps the number of malloc arenas (M_ARENA_MAX); returns 1 on success.
static inline int cmalloc_limit_arenas(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
/// Returns free memory in every arena to the system (malloc_trim(0)); returns 1 if any was released.
static inline int cmalloc_trim(void) { return malloc_trim(0); }
#else
static inline int cmalloc_limit_arenas(int arenas) { (void)arenas; return 0; }
static inline int cmalloc_trim(void) { return 0; }
#endif

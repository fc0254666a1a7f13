// libsoxr, the SoX band-limited resampler (Debian libsoxr-dev). Imported only by AudioDecoding.
#include <soxr.h>

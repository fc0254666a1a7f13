// FFTW 3, single precision (Debian libfftw3-dev, library fftw3f). Imported only by LinearAlgebra.
// Planning is not thread-safe in FFTW; LinearAlgebra serialises it behind one lock, execution is.
#include <fftw3.h>

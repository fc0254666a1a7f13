// libsndfile (Debian libsndfile1-dev). Imported only by the AudioDecoding target.
#include <sndfile.h>

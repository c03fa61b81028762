// zlib (zlib1g-dev; libpng-dev depends on it): inflate for course archives uploaded to the console
// (.tar.gz and .zip). Swift calls inflate directly; zlib reports errors by return code (no longjmp).
#include <zlib.h>

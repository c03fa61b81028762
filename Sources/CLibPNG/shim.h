// libpng through its simplified png_image API only: errors come back as return values and
// the message in png_image.message, so libpng's longjmp never crosses Swift frames.
#include <png.h>

// libpng for CargoSim. Reading goes through the simplified png_image API (errors come back as return
// values). Writing goes through cargosim_png_write below, which chooses the row filter and the zlib level
// (the simplified API cannot) and keeps libpng's longjmp error path inside this C function: it never
// crosses a Swift frame.
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/// Where cargosim_png_write collects the file, and libpng's message when it fails.
typedef struct {
    unsigned char *bytes;
    size_t count, capacity;
    char message[256];
} cargosim_png_output;

static void cargosim_png_error(png_structp png, png_const_charp message) {
    cargosim_png_output *output = (cargosim_png_output *)png_get_error_ptr(png);
    strncpy(output->message, message ? message : "no message", sizeof output->message - 1);
    output->message[sizeof output->message - 1] = 0;
    png_longjmp(png, 1);
}

static void cargosim_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void cargosim_png_append(png_structp png, png_bytep data, size_t count) {
    cargosim_png_output *output = (cargosim_png_output *)png_get_io_ptr(png);
    if (count > output->capacity - output->count) {
        size_t capacity = output->capacity ? output->capacity : 65536;
        while (count > capacity - output->count) {
            if (capacity > ((size_t)-1) / 2) png_error(png, "the PNG would not fit in memory");
            capacity *= 2;
        }
        unsigned char *grown = (unsigned char *)realloc(output->bytes, capacity);
        if (!grown) png_error(png, "out of memory for the PNG");
        output->bytes = grown;
        output->capacity = capacity;
    }
    memcpy(output->bytes + output->count, data, count);
    output->count += count;
}

static void cargosim_png_flush(png_structp png) { (void)png; }

/// Writes a non-interlaced PNG of `height` rows of `rowBytes` bytes at `pixels` into `output` (its bytes
/// allocated with malloc: the caller frees them with free(), also on failure). `grey16`: 16-bit grey
/// samples in the host's byte order, with gAMA 1.0 and cHRM of sRGB's primaries (linear samples);
/// otherwise 8-bit RGB with an sRGB chunk. Every row takes the one filter `filter` (a PNG_FILTER_ value),
/// zlib compresses at `level` with the default strategy, window and memory level. No other chunk is
/// written. Returns 1 on success, 0 with libpng's message in output->message.
static inline int cargosim_png_write(
    const void *pixels, png_uint_32 width, png_uint_32 height, size_t rowBytes, int grey16,
    int filter, int level, cargosim_png_output *output) {
    output->bytes = NULL;
    output->count = 0;
    output->capacity = 0;
    output->message[0] = 0;
    png_structp png = png_create_write_struct(
        PNG_LIBPNG_VER_STRING, output, cargosim_png_error, cargosim_png_warning);
    if (!png) {
        strcpy(output->message, "libpng could not start a PNG (out of memory?)");
        return 0;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        strcpy(output->message, "libpng could not start a PNG (out of memory?)");
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return 0;
    }
    png_set_write_fn(png, output, cargosim_png_append, cargosim_png_flush);
    png_set_IHDR(
        png, info, width, height, grey16 ? 16 : 8, grey16 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
        PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    if (grey16) {
        png_set_gAMA_fixed(png, info, PNG_GAMMA_LINEAR);
        png_set_cHRM_fixed(png, info, 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000);
    } else {
        png_set_sRGB(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
    }
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filter);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, Z_DEFAULT_STRATEGY);
    png_write_info(png, info);
    if (grey16) {
        const unsigned short probe = 1;
        if (*(const unsigned char *)&probe == 1) png_set_swap(png);
    }
    for (png_uint_32 row = 0; row < height; row++) png_write_row(png, (png_const_bytep)pixels + (size_t)row * rowBytes);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 1;
}

import CLibPNG

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// PNG encoding and decoding through libpng.
///
/// Decoding uses libpng's simplified `png_image` API, encoding the one C function `cargosim_png_write` of
/// `CLibPNG`'s header (the simplified API cannot choose the row filter or the zlib level). Both report
/// errors as return values with libpng's message, so libpng's `longjmp` error path stays inside C and
/// never crosses Swift frames.
///
/// **Fixed settings.** Every image is written the same way, so the same pixels always give the same
/// bytes on one platform and libpng and zlib version: non-interlaced, one row filter for the whole image
/// (`Sub` for the 16-bit grey scans, `None` for 8-bit RGB), zlib level 4 with the default strategy and a
/// 32 KiB window. Chosen by measurement on the scans (see docs/performance.md#png-settings): against libpng's adaptive
/// filtering at level 6 (tried per row from all five filters) the three images of a loaded 40 ft case
/// take a sixth of the time and 11 % fewer bytes: the display image's dithered colours compress better
/// unfiltered, and at level 6 zlib spent most of its time searching the photon noise for matches. Only
/// `IHDR`, the colour chunks (`sRGB` for 8-bit RGB; `gAMA` 1.0 and `cHRM` of the sRGB primaries for
/// 16-bit linear grey), `IDAT` and `IEND` are written: never a text (`tEXt`, `zTXt`, `iTXt`) or time
/// (`tIME`) chunk, so nothing of a key can leak through image metadata.
public enum PNG {
    /// An 8-bit RGB PNG of `pixels` (`width × height × 3` bytes, rows top to bottom, R, G, B).
    ///
    /// - Throws: `PNGError` with code `png.size` when the dimensions are not positive or the buffer does
    ///   not hold `width × height × 3` bytes, `png.libpng` with libpng's own message when libpng fails.
    /// - Complexity: O(width × height); dominated by zlib.
    public static func encodeRGB8(width: Int, height: Int, pixels: [UInt8]) throws(PNGError) -> [UInt8] {
        try checkSize(width: width, height: height, samples: pixels.count, channels: 3)
        let result = pixels.withUnsafeBytes { raw in
            Result { () throws(PNGError) -> [UInt8] in
                try write(width: width, height: height, grey16: false, rowBytes: width * 3, buffer: raw.baseAddress!)
            }
        }
        return try result.get()
    }

    /// A 16-bit greyscale PNG of `pixels` (`width × height` samples, rows top to bottom, native byte order
    /// in memory; written big-endian as PNG requires). The file carries `gAMA` 1.0 (linear samples).
    ///
    /// - Throws: as `encodeRGB8`.
    public static func encodeGray16(width: Int, height: Int, pixels: [UInt16]) throws(PNGError) -> [UInt8] {
        try checkSize(width: width, height: height, samples: pixels.count, channels: 1)
        let result = pixels.withUnsafeBytes { raw in
            Result { () throws(PNGError) -> [UInt8] in
                try write(width: width, height: height, grey16: true, rowBytes: width * 2, buffer: raw.baseAddress!)
            }
        }
        return try result.get()
    }

    /// Decodes a PNG into its samples without colour conversion for the files this module writes:
    /// 8-bit files come back as 8-bit samples, 16-bit files as 16-bit samples.
    ///
    /// Palette and low-bit-depth files are expanded to 8-bit; an alpha channel is kept as a channel.
    /// - Throws: `PNGError` `png.libpng` with libpng's message for anything that is not a readable PNG.
    public static func decode(_ bytes: [UInt8]) throws(PNGError) -> DecodedPNG {
        guard !bytes.isEmpty else {
            throw PNGError(code: "png.libpng", message: "Give PNG bytes (the input is empty).")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let begun = bytes.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard begun != 0 else { throw PNGError(libpngMessageOf: image, while: "reading the header") }

        let fileFormat = image.format
        let isColour = fileFormat & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = fileFormat & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let isLinear = fileFormat & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
        // Ask for the file's own layout (colour maps expanded), so that nothing is gamma-converted.
        var format: UInt32 = 0
        if isColour { format |= UInt32(PNG_FORMAT_FLAG_COLOR) }
        if hasAlpha { format |= UInt32(PNG_FORMAT_FLAG_ALPHA) }
        if isLinear { format |= UInt32(PNG_FORMAT_FLAG_LINEAR) }
        image.format = format
        let channels = (isColour ? 3 : 1) + (hasAlpha ? 1 : 0)
        let width = Int(image.width), height = Int(image.height)
        let count = width * height * channels

        if isLinear {
            var samples = [UInt16](repeating: 0, count: count)
            let ok = samples.withUnsafeMutableBytes { raw in
                png_image_finish_read(&image, nil, raw.baseAddress, Int32(width * channels), nil)
            }
            guard ok != 0 else { throw PNGError(libpngMessageOf: image, while: "reading the pixels") }
            return DecodedPNG(width: width, height: height, channels: channels, bitDepth: 16, samples: samples)
        } else {
            var bytes8 = [UInt8](repeating: 0, count: count)
            let ok = bytes8.withUnsafeMutableBytes { raw in
                png_image_finish_read(&image, nil, raw.baseAddress, Int32(width * channels), nil)
            }
            guard ok != 0 else { throw PNGError(libpngMessageOf: image, while: "reading the pixels") }
            return DecodedPNG(
                width: width, height: height, channels: channels, bitDepth: 8,
                samples: bytes8.map(UInt16.init))
        }
    }

    /// The names of the chunks of a PNG data stream, in order (`IHDR`, `sRGB`, `IDAT`, …); stops at the
    /// first chunk that runs past the end. Useful to check what a file carries without decoding it.
    public static func chunkTypes(of bytes: [UInt8]) -> [String] {
        var names: [String] = []
        var offset = 8
        while offset + 8 <= bytes.count {
            let length =
                Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
            names.append(String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self))
            offset += 12 + length
        }
        return names
    }

    private static func checkSize(width: Int, height: Int, samples: Int, channels: Int) throws(PNGError) {
        guard width > 0, height > 0 else {
            throw PNGError(
                code: "png.size",
                message: "Give a width and height of at least 1 pixel (got \(width) × \(height)).")
        }
        guard width <= Int(Int32.max) / 8, height <= Int(Int32.max) / 8,
            width.multipliedReportingOverflow(by: height * channels).partialValue == samples
        else {
            throw PNGError(
                code: "png.size",
                message:
                    "Give \(width) × \(height) × \(channels) samples for a \(width) × \(height) image (got \(samples))."
            )
        }
    }

    /// The zlib level of every image written (see "Fixed settings" above).
    static let zlibLevel: Int32 = 4

    /// A PNG of `height` rows of `rowBytes` bytes at `buffer`: 16-bit grey samples in native byte order
    /// when `grey16`, else 8-bit RGB.
    private static func write(
        width: Int, height: Int, grey16: Bool, rowBytes: Int, buffer: UnsafeRawPointer
    ) throws(PNGError) -> [UInt8] {
        let filter = grey16 ? Int32(PNG_FILTER_SUB) : Int32(PNG_FILTER_NONE)
        var output = cargosim_png_output()
        defer { free(output.bytes) }
        let ok = cargosim_png_write(
            buffer, UInt32(width), UInt32(height), rowBytes, grey16 ? 1 : 0, filter, Self.zlibLevel, &output)
        guard ok != 0 else { throw PNGError(libpngMessage: output.message, while: "writing") }
        return [UInt8](UnsafeBufferPointer(start: output.bytes, count: output.count))
    }
}

/// The samples of a decoded PNG.
public struct DecodedPNG: Hashable, Sendable {
    public var width: Int
    public var height: Int
    /// Samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    public var channels: Int
    /// 8 or 16.
    public var bitDepth: Int
    /// `width × height × channels` samples, rows top to bottom (8-bit samples widened to `UInt16`).
    public var samples: [UInt16]
}

/// A failure to encode or decode a PNG, with libpng's message where libpng reported it.
public struct PNGError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `png.size` (bad dimensions or buffer), `png.libpng` (libpng failed).
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    init(libpngMessageOf image: png_image, while action: String) {
        self.init(libpngMessage: image.message, while: action)
    }

    /// `message`: a C character array holding a NUL-terminated message (as imported: a tuple of `CChar`).
    init<Message>(libpngMessage message: Message, while action: String) {
        let text = withUnsafeBytes(of: message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.init(code: "png.libpng", message: "libpng failed \(action): \(text.isEmpty ? "no message" : text).")
    }

    public var description: String { "\(code): \(message)" }
}

import CLibPNG

/// PNG encoding and decoding through libpng's simplified `png_image` API.
///
/// The simplified API reports errors as return values (the message is left in `png_image.message`),
/// so libpng's `longjmp` error path stays inside libpng and never crosses Swift frames.
///
/// **Fixed settings.** Every image is written the same way, so the same pixels always give the same
/// bytes on one platform and libpng version: non-interlaced, libpng's default adaptive row filtering
/// (all five filters, chosen per row), zlib at libpng's default level (`Z_DEFAULT_COMPRESSION`, 6) with
/// a 32 KiB window; the `PNG_IMAGE_FLAG_FAST` flag (no filtering, level 3) is *not* set. The simplified
/// write API writes only `IHDR`, one colour-space chunk (`sRGB` for 8-bit RGB; `gAMA` 1.0 for 16-bit
/// linear grey), `IDAT` and `IEND`: never a text (`tEXt`, `zTXt`, `iTXt`) or time (`tIME`) chunk, so
/// nothing of a key can leak through image metadata.
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
                try write(
                    width: width, height: height, format: UInt32(PNG_FORMAT_RGB), rowStride: width * 3,
                    bytesPerSample: 1, buffer: raw.baseAddress!)
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
                try write(
                    width: width, height: height, format: UInt32(PNG_FORMAT_LINEAR_Y), rowStride: width,
                    bytesPerSample: 2, buffer: raw.baseAddress!)
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

    private static func write(
        width: Int, height: Int, format: UInt32, rowStride: Int, bytesPerSample: Int,
        buffer: UnsafeRawPointer
    ) throws(PNGError) -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        image.flags = 0  // libpng's default compression; not PNG_IMAGE_FLAG_FAST
        defer { png_image_free(&image) }
        // Deflate never grows data by more than about 0.1 % plus small per-block and per-chunk overheads.
        let raw = height * (1 + rowStride * bytesPerSample)
        var capacity = raw + raw / 64 + 4096
        for _ in 0..<2 {
            var output = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            let ok = output.withUnsafeMutableBytes { out in
                png_image_write_to_memory(&image, out.baseAddress, &size, 0, buffer, Int32(rowStride), nil)
            }
            if ok != 0 {
                output.removeLast(output.count - size)
                return output
            }
            guard size > capacity else { throw PNGError(libpngMessageOf: image, while: "writing") }
            capacity = size  // libpng told us how much it needs
            png_image_free(&image)
            image.opaque = nil
            image.warning_or_error = 0
        }
        throw PNGError(code: "png.libpng", message: "libpng asked for more output space twice; report this as a bug.")
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
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.init(code: "png.libpng", message: "libpng failed \(action): \(text.isEmpty ? "no message" : text).")
    }

    public var description: String { "\(code): \(message)" }
}

import CLibPNG
import PNGEncoding
import Testing

@Suite("PNG")
struct PNGTests {
    /// A deterministic test pattern (no random source needed).
    static func pattern(_ count: Int, scale: Int) -> [Int] { (0..<count).map { ($0 &* 2_654_435_761 >> 7) % scale } }

    @Test func rgb8RoundTripsToTheSameSamples() throws {
        let width = 37, height = 11
        let pixels = Self.pattern(width * height * 3, scale: 256).map { UInt8($0) }
        let png = try PNG.encodeRGB8(width: width, height: height, pixels: pixels)
        let decoded = try PNG.decode(png)
        #expect(decoded.width == width && decoded.height == height)
        #expect(decoded.channels == 3 && decoded.bitDepth == 8)
        #expect(decoded.samples == pixels.map(UInt16.init))
    }

    @Test func gray16RoundTripsToTheSameSamples() throws {
        let width = 53, height = 7
        let pixels = Self.pattern(width * height, scale: 65536).map { UInt16($0) }
        let png = try PNG.encodeGray16(width: width, height: height, pixels: pixels)
        let decoded = try PNG.decode(png)
        #expect(decoded.width == width && decoded.height == height)
        #expect(decoded.channels == 1 && decoded.bitDepth == 16)
        #expect(decoded.samples == pixels)
    }

    @Test func extremeSamplesSurvive() throws {
        let pixels: [UInt16] = [0, 1, 255, 256, 32767, 32768, 65534, 65535]
        let decoded = try PNG.decode(PNG.encodeGray16(width: 4, height: 2, pixels: pixels))
        #expect(decoded.samples == pixels)
    }

    @Test func pngsCarryNoTextOrTimeChunks() throws {
        let rgb = try PNG.encodeRGB8(width: 8, height: 8, pixels: [UInt8](repeating: 90, count: 192))
        let grey = try PNG.encodeGray16(width: 8, height: 8, pixels: [UInt16](repeating: 900, count: 64))
        for png in [rgb, grey] {
            let chunks = PNG.chunkTypes(of: png)
            #expect(chunks.first == "IHDR" && chunks.last == "IEND")
            #expect(chunks.allSatisfy { !["tEXt", "zTXt", "iTXt", "tIME"].contains($0) }, "chunks: \(chunks)")
            // and no stray text bytes that a chunk walker could miss
            for name in ["tEXt", "zTXt", "iTXt", "tIME"] {
                let needle = Array(name.utf8)
                let found = png.indices.dropLast(3).contains { Array(png[$0..<($0 + 4)]) == needle }
                #expect(!found, "\(name) bytes in the PNG")
            }
        }
    }

    /// The chunk names and the inflated image data (each row's filter byte, then its bytes) of a PNG.
    static func chunksAndRows(_ png: [UInt8], rawCount: Int) throws -> (chunks: [String], rows: [UInt8]) {
        var idat: [UInt8] = []
        var offset = 8
        while offset + 8 <= png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            if String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self) == "IDAT" {
                idat += png[(offset + 8)..<(offset + 8 + length)]
            }
            offset += 12 + length
        }
        var rows = [UInt8](repeating: 0, count: rawCount)
        var size = uLongf(rawCount)
        let status = uncompress(&rows, &size, idat, uLong(idat.count))
        try #require(status == Z_OK && Int(size) == rawCount, "zlib status \(status), \(size) of \(rawCount) bytes")
        return (PNG.chunkTypes(of: png), rows)
    }

    /// The fixed settings: 16-bit grey rows all filtered `Sub` (1), 8-bit RGB rows all unfiltered (0), and the
    /// colour chunks of each kind.
    @Test func everyRowTakesTheFixedFilterAndTheColourChunksAreFixed() throws {
        let width = 61, height = 9
        let grey = try PNG.encodeGray16(
            width: width, height: height, pixels: Self.pattern(width * height, scale: 65536).map { UInt16($0) })
        let rgb = try PNG.encodeRGB8(
            width: width, height: height, pixels: Self.pattern(width * height * 3, scale: 256).map { UInt8($0) })
        for (png, rowBytes, filter, colourChunks) in [
            (grey, 2 * width, UInt8(1), ["gAMA", "cHRM"]), (rgb, 3 * width, UInt8(0), ["sRGB"]),
        ] {
            let (chunks, rows) = try Self.chunksAndRows(png, rawCount: (1 + rowBytes) * height)
            let head = ["IHDR"] + colourChunks
            #expect(Array(chunks.prefix(head.count)) == head, "chunks: \(chunks)")
            #expect(
                Set(chunks.dropFirst(head.count).dropLast()) == ["IDAT"] && chunks.last == "IEND", "chunks: \(chunks)")
            let filters = (0..<height).map { rows[$0 * (1 + rowBytes)] }
            #expect(filters.allSatisfy { $0 == filter }, "row filters \(filters)")
        }
    }

    /// A failure inside libpng's writer (it refuses rows wider than its limit of a million pixels) comes back as
    /// a Swift error with libpng's message, through the C function's own error path.
    @Test func aLibpngWriteErrorIsASwiftErrorWithItsMessage() {
        do {
            _ = try PNG.encodeGray16(width: 1_000_001, height: 1, pixels: [UInt16](repeating: 0, count: 1_000_001))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "png.libpng")
            #expect(error.message.hasPrefix("libpng failed writing: ") && error.message.contains("IHDR"), "\(error)")
        }
    }

    @Test func samePixelsGiveIdenticalBytes() throws {
        let pixels = Self.pattern(640 * 3 * 40, scale: 256).map { UInt8($0) }
        let a = try PNG.encodeRGB8(width: 640, height: 40, pixels: pixels)
        let b = try PNG.encodeRGB8(width: 640, height: 40, pixels: pixels)
        #expect(a == b)
    }

    @Test func zeroWidthIsASwiftErrorNotACrash() {
        #expect(throws: PNGError.self) { try PNG.encodeRGB8(width: 0, height: 4, pixels: []) }
        #expect(throws: PNGError.self) { try PNG.encodeGray16(width: 4, height: 0, pixels: []) }
    }

    @Test func wrongBufferSizeIsReported() {
        do {
            _ = try PNG.encodeGray16(width: 4, height: 4, pixels: [1, 2, 3])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "png.size")
            #expect(error.message.contains("4 × 4"))
        }
    }

    @Test(arguments: [[UInt8](), [0x89, 0x50, 0x4E, 0x47], Array("not a png at all, just text".utf8)])
    func garbageInputGivesLibpngMessage(_ bytes: [UInt8]) {
        do {
            _ = try PNG.decode(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "png.libpng")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func truncatedPNGGivesAnErrorWithLibpngsMessage() throws {
        let png = try PNG.encodeGray16(width: 64, height: 64, pixels: [UInt16](repeating: 7, count: 4096))
        do {
            _ = try PNG.decode(Array(png.prefix(png.count / 2)))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "png.libpng")
            #expect(error.message.hasPrefix("libpng failed"))
        }
    }
}

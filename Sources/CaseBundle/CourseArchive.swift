import CZlib
import Foundation

/// Unpacks a course folder packed as `.tar.gz` (or `.tgz`, `.tar`) or `.zip`, as an instructor uploads it
/// to the console, into a folder, refusing anything that could leave it.
///
/// Safe by construction: only regular files and folders are written (links, devices and the like are
/// refused), every path is relative with no `..`, no empty or hidden (`.`-prefixed) segment other than
/// what a file browser adds (`__MACOSX/`, `.DS_Store`, which are skipped), at most `maximumEntries`
/// entries and `maximumBytes` unpacked bytes in all. Errors are `BundleError`s (`archive.*`) saying what
/// to do. The caller gives a fresh folder and removes it on failure.
public enum CourseArchive {
    public static let maximumEntries = 200_000
    public static let maximumBytes: Int64 = 4 << 30

    public enum Kind: Sendable { case tarGzip, tar, zip }

    /// The kind of archive by its first bytes; nil for anything else.
    public static func kind(of head: [UInt8]) -> Kind? {
        if head.count >= 2, head[0] == 0x1F, head[1] == 0x8B { return .tarGzip }
        if head.count >= 4, head[0] == 0x50, head[1] == 0x4B, head[2] == 0x03, head[3] == 0x04 { return .zip }
        if head.count >= 262, Array(head[257..<262]) == Array("ustar".utf8) { return .tar }
        return nil
    }

    /// Unpacks the archive at `file` into `folder` (created); returns the folder that holds `course.json`
    /// (the folder itself, or the one top-level folder of the archive).
    public static func unpack(_ file: URL, into folder: URL) throws(BundleError) -> URL {
        let data: Data
        do { data = try Data(contentsOf: file, options: .alwaysMapped) } catch {
            throw BundleError(code: "archive.unreadable", message: "The upload could not be read back; send it again.")
        }
        let bytes = [UInt8](data.prefix(512))
        guard let kind = kind(of: bytes) else {
            throw BundleError(
                code: "archive.kind",
                message: "This is neither a .tar.gz nor a .zip; pack the course folder (course.json, cases/, stages/, "
                    + "keys/) as one of them and upload it again.")
        }
        var writer = Writer(root: folder)
        try writer.start()
        switch kind {
        case .tarGzip: try readTar(try gunzip(data), into: &writer)
        case .tar: try readTar(data, into: &writer)
        case .zip: try readZip(data, into: &writer)
        }
        return try locateCourse(in: folder)
    }

    /// The folder holding `course.json`: the root, or its only top-level folder.
    static func locateCourse(in folder: URL) throws(BundleError) -> URL {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.appendingPathComponent("course.json").path) { return folder }
        let entries = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }
        if entries.count == 1, manager.fileExists(atPath: folder.appendingPathComponent(entries[0] + "/course.json").path) {
            return folder.appendingPathComponent(entries[0], isDirectory: true)
        }
        throw BundleError(
            code: "archive.noCourse",
            message: "No course.json at the top of the archive or in its one top folder; pack the course folder itself "
                + "(the one that holds course.json).")
    }

    // MARK: Writing entries safely

    struct Writer {
        let root: URL
        var entries = 0
        var bytes: Int64 = 0

        func start() throws(BundleError) {
            do { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) } catch {
                throw BundleError(code: "io.unwritable", file: root.path, message: "Cannot unpack here; check free space.")
            }
        }

        /// The safe relative path of an entry, nil to skip it (a file browser's own files), or an error.
        static func path(_ raw: String) throws(BundleError) -> String? {
            var name = raw
            while name.hasPrefix("./") { name.removeFirst(2) }
            if name.hasSuffix("/") { name.removeLast() }
            if name.isEmpty || name == "." { return nil }
            let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.first == "__MACOSX" || parts.last == ".DS_Store" { return nil }
            guard !name.hasPrefix("/"), !name.contains("\\"), !name.contains("\0"),
                parts.allSatisfy({ !$0.isEmpty && $0 != ".." && $0 != "." && !$0.hasPrefix(".") }), name.utf8.count <= 1024
            else {
                throw BundleError(
                    code: "archive.path", value: raw,
                    message: "The archive holds a path that would leave its folder or hide a file; pack the course "
                        + "folder as it was written.")
            }
            return name
        }

        mutating func count(_ size: Int64) throws(BundleError) {
            entries += 1
            bytes += size
            guard entries <= CourseArchive.maximumEntries, bytes <= CourseArchive.maximumBytes else {
                throw BundleError(
                    code: "archive.tooLarge",
                    message: "The archive unpacks to more than \(CourseArchive.maximumEntries) files or "
                        + "\(CourseArchive.maximumBytes >> 30) GiB; split the course.")
            }
        }

        mutating func folder(_ raw: String) throws(BundleError) {
            guard let path = try Self.path(raw) else { return }
            try count(0)
            do {
                try FileManager.default.createDirectory(
                    at: root.appendingPathComponent(path, isDirectory: true), withIntermediateDirectories: true)
            } catch {
                throw BundleError(code: "archive.path", value: raw, message: "Cannot make this folder; is a file of the same name there?")
            }
        }

        mutating func file(_ raw: String, _ content: Data) throws(BundleError) {
            guard let path = try Self.path(raw) else { return }
            try count(Int64(content.count))
            let url = root.appendingPathComponent(path)
            do {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard !FileManager.default.fileExists(atPath: url.path) else {
                    throw BundleError(code: "archive.duplicate", value: raw, message: "The archive holds this file twice.")
                }
                try content.write(to: url)
            } catch let error as BundleError {
                throw error
            } catch {
                throw BundleError(code: "io.unwritable", value: raw, message: "Cannot unpack this file; check free space.")
            }
        }
    }

    // MARK: tar (POSIX ustar and GNU long names)

    static func readTar(_ data: Data, into writer: inout Writer) throws(BundleError) {
        let bytes = [UInt8](data)
        var offset = 0
        var longName: String?
        func field(_ start: Int, _ length: Int) -> String {
            let slice = bytes[(offset + start)..<(offset + start + length)]
            return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
        }
        func octal(_ start: Int, _ length: Int) throws(BundleError) -> Int64 {
            let text = field(start, length).trimmingCharacters(in: .whitespaces)
            guard let value = Int64(text.isEmpty ? "0" : text, radix: 8), value >= 0 else {
                throw BundleError(code: "archive.corrupt", message: "The tar archive is damaged (a bad size field); pack it again.")
            }
            return value
        }
        while offset + 512 <= bytes.count {
            if bytes[offset..<(offset + 512)].allSatisfy({ $0 == 0 }) { break }
            let size = try octal(124, 12)
            let type = bytes[offset + 156]
            var name = field(0, 100)
            let prefix = field(345, 155)
            if !prefix.isEmpty, field(257, 5) == "ustar" { name = prefix + "/" + name }
            if let long = longName {
                name = long
                longName = nil
            }
            let start = offset + 512
            guard size <= Int64(bytes.count - start) else {
                throw BundleError(code: "archive.corrupt", message: "The tar archive ends early; upload the whole file.")
            }
            let content = Data(bytes[start..<(start + Int(size))])
            switch type {
            case UInt8(ascii: "0"), 0: try writer.file(name, content)
            case UInt8(ascii: "5"): try writer.folder(name)
            case UInt8(ascii: "L"): longName = String(decoding: content.prefix { $0 != 0 }, as: UTF8.self)
            case UInt8(ascii: "x"), UInt8(ascii: "g"): break  // pax headers: attributes only
            default:
                throw BundleError(
                    code: "archive.entryKind", value: name,
                    message: "The archive holds a link or special file; pack only the course's files and folders.")
            }
            offset = start + Int((size + 511) / 512 * 512)
        }
    }

    // MARK: zip (stored and deflated entries, read through the central directory)

    static func readZip(_ data: Data, into writer: inout Writer) throws(BundleError) {
        let bytes = [UInt8](data)
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        let corrupt = BundleError(code: "archive.corrupt", message: "The zip archive is damaged; pack it again.")
        // The end of central directory record, searched from the end (a comment may follow it).
        var end = bytes.count - 22
        while end >= 0, !(bytes[end] == 0x50 && bytes[end + 1] == 0x4B && bytes[end + 2] == 5 && bytes[end + 3] == 6) {
            end -= 1
        }
        guard end >= 0 else { throw corrupt }
        let count = u16(end + 10)
        var position = u32(end + 16)
        guard count != 0xFFFF, position != 0xFFFF_FFFF else {
            throw BundleError(code: "archive.zip64", message: "Zip64 archives are not read; pack the course as .tar.gz.")
        }
        for _ in 0..<count {
            guard position + 46 <= bytes.count, u32(position) == 0x0201_4B50 else { throw corrupt }
            let method = u16(position + 10)
            let compressed = u32(position + 20), size = u32(position + 24)
            let nameLength = u16(position + 28), extra = u16(position + 30), comment = u16(position + 32)
            let external = u32(position + 38), local = u32(position + 42)
            guard position + 46 + nameLength <= bytes.count else { throw corrupt }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            position += 46 + nameLength + extra + comment
            // Unix mode in the high 16 bits: refuse symbolic links.
            if (external >> 16) & 0o170000 == 0o120000 {
                throw BundleError(
                    code: "archive.entryKind", value: name,
                    message: "The archive holds a link; pack only the course's files and folders.")
            }
            if name.hasSuffix("/") {
                try writer.folder(name)
                continue
            }
            guard local + 30 <= bytes.count, u32(local) == 0x0403_4B50 else { throw corrupt }
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            guard start + compressed <= bytes.count else { throw corrupt }
            let raw = Data(bytes[start..<(start + compressed)])
            switch method {
            case 0: try writer.file(name, raw)
            case 8: try writer.file(name, try inflate(raw, windowBits: -15, expected: size))
            default:
                throw BundleError(
                    code: "archive.method", value: name,
                    message: "The zip uses a compression CargoSim does not read; pack it with plain deflate or as .tar.gz.")
            }
        }
    }

    // MARK: zlib

    static func gunzip(_ data: Data) throws(BundleError) -> Data {
        try inflate(data, windowBits: 15 + 32, expected: nil)
    }

    /// Inflates `data` (raw deflate for negative `windowBits`, gzip or zlib headers for 15 + 32).
    static func inflate(_ data: Data, windowBits: Int32, expected: Int?) throws(BundleError) -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw BundleError(code: "archive.corrupt", message: "Cannot start decompressing; try again.")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        output.reserveCapacity(expected ?? data.count * 2)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = [UInt8](data)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(target.baseAddress!, count: target.count - Int(stream.avail_out))
                }
                if output.count > Int(CourseArchive.maximumBytes) { status = Z_MEM_ERROR }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else {
            throw BundleError(
                code: "archive.corrupt",
                message: status == Z_MEM_ERROR
                    ? "The archive unpacks to more than \(CourseArchive.maximumBytes >> 30) GiB; split the course."
                    : "The archive's compressed data is damaged or cut short; upload the whole file again.")
        }
        return output
    }
}

import ArgumentParser
import CaseBundle
import CaseGeneration
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let generatorVersionText = CaseGeneration.CaseGenerator.version

/// Where to find `Assets/`, shared by every command.
struct AssetOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Assets folder (catalogues, schemas, translations).",
            discussion:
                "Default: $CARGOSIM_ASSETS, then next to the executable, then the current folder and its parents.",
            valueName: "dir"))
    var assets: String?

    func locate() throws -> URL {
        try AssetLocator(explicitPath: assets).locate()
    }
}

/// Loads what the commands need from `Assets/`, printing a clear error and exiting on failure.
struct Workspace {
    let assets: URL
    let catalog: Catalog
    let localizer: Localizer

    init(_ options: AssetOptions) throws {
        do {
            assets = try options.locate()
            catalog = try CatalogLoader().load(from: assets)
            localizer = try Localizer(directory: assets.appendingPathComponent("i18n", isDirectory: true))
        } catch {
            fail(error)
        }
    }
}

/// The user's language for messages: `CARGOSIM_LANG`, then `LANG` (`es_ES.UTF-8` → `es`), else English.
func userLanguage() -> String {
    let env = ProcessInfo.processInfo.environment
    let value = env["CARGOSIM_LANG"] ?? env["LC_ALL"] ?? env["LANG"] ?? "en"
    let code = String(value.prefix(2)).lowercased()
    return ["en", "es", "pt"].contains(code) ? code : "en"
}

/// Prints every error of `error` to standard error and exits with status 1.
func fail(_ error: any Error) -> Never {
    printErrors(error)
    Foundation.exit(1)
}

func printErrors(_ error: any Error) {
    if let list = error as? BundleErrors {
        for item in list.errors { printError(item.description) }
    } else if let single = error as? BundleError {
        printError(single.description)
    } else if let generation = error as? GenerationError {
        printError("error: " + generation.description)
    } else if let file = fileError(error) {
        printError(file.description)
    } else {
        printError("error: \(error)")
    }
}

/// A file system error of Foundation's as a `BundleError` naming the file and the system's reason, with what to
/// do (never Foundation's error domain and codes); nil for any other error.
func fileError(_ error: any Error) -> BundleError? {
    let ns = error as NSError
    guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
    let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
    let code =
        ns.domain == NSPOSIXErrorDomain
        ? Int32(ns.code) : underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
    let fallback = ns.code == CocoaError.fileReadNoSuchFile.rawValue || ns.code == CocoaError.fileNoSuchFile.rawValue
        ? "no such file or folder" : "the file system refused"
    let reason = code.map { String(cString: strerror($0)) } ?? fallback
    let reading = [
        CocoaError.fileReadNoSuchFile.rawValue, CocoaError.fileReadNoPermission.rawValue,
        CocoaError.fileReadUnknown.rawValue, CocoaError.fileReadCorruptFile.rawValue,
    ].contains(ns.code)
    return BundleError(
        code: reading ? "io.unreadable" : "io.unwritable", file: path,
        message: reading
            ? "Cannot read this file (\(reason)); check the path and that you may read it."
            : "Cannot write here (\(reason)); check that the folder exists, that you may write in it, and free space.")
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// True when standard error is a terminal (progress bars only go there).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// A one-line progress bar on standard error, redrawn at most every 100 ms.
struct ProgressBar {
    let total: Int
    let label: String
    let enabled: Bool
    private var lastDraw = 0.0
    private let start = monotonicSeconds()

    init(total: Int, label: String, enabled: Bool = standardErrorIsTerminal) {
        self.total = total
        self.label = label
        self.enabled = enabled
    }

    mutating func update(_ done: Int) {
        guard enabled else { return }
        let now = monotonicSeconds()
        guard done == total || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let rate = Double(done) / max(1e-6, now - start)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let text = "\r\(label) [\(bar)] \(done)/\(total)  \(Int(rate))/s"
        FileHandle.standardError.write(Data(text.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}


/// A file mapped read-only into memory (unmapped when released): large inputs are read in place, without a copy.
final class MappedFile {
    let path: String
    private let base: UnsafeMutableRawPointer?
    let count: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw BundleError(code: "io.unreadable", file: path, message: "Cannot read this file; check the path.")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw BundleError(code: "io.unreadable", file: path, message: "Cannot read this file; check the path.")
        }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw BundleError(code: "io.unreadable", file: path, message: "Cannot map this file into memory.")
        }
        madvise(mapped, count, MADV_SEQUENTIAL)
        base = mapped
    }

    deinit { if let base { munmap(base, count) } }

    /// Calls `body` with the file's bytes (valid only during the call).
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard let base else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count))
    }
}

/// CPU seconds the calling thread has used: a one-core figure that other processes on the machine do not inflate (a
/// busy host under a virtual machine still does: see `printHostCheck`).
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The checkout's own folders, found from this file's path (`Tests/CargosimTests/CargosimProcess.swift`).
enum Checkout {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let assets = root.appendingPathComponent("Assets", isDirectory: true)
    static let cases = root.appendingPathComponent("Cases", isDirectory: true)
    static let foundationMix = cases.appendingPathComponent("curricula/foundation-40.yaml")

    /// One translation table of `Assets/i18n/`, read directly (not through the code under test).
    static func table(_ language: String) throws -> [String: String] {
        let url = assets.appendingPathComponent("i18n/\(language).json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }
}

/// Why the `cargosim` binary could not be run.
struct CargosimNotFound: Error, CustomStringConvertible {
    var description: String
}

/// What one run of `cargosim` did.
struct CommandResult: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    var succeeded: Bool { status == 0 }
    /// Standard output and standard error, for expectation messages.
    var description: String {
        "cargosim \(arguments.joined(separator: " ")) → exit \(status)\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)"
    }
}

/// The `cargosim` binary that the build put next to this test bundle.
///
/// `swift build` (or `make test`, which runs it first) writes `<scratch>/debug/cargosim` beside
/// `<scratch>/debug/CargoSimPackageTests.xctest`, whichever scratch folder was used (`.build` by default,
/// `--scratch-path` otherwise), so the binary is looked up next to the running test bundle, never in a
/// fixed folder that could hold a stale build. `CARGOSIM_BINARY` overrides the search.
enum Cargosim {
    static let binary: Result<URL, CargosimNotFound> = locate()

    private static func locate() -> Result<URL, CargosimNotFound> {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["CARGOSIM_BINARY"], !given.isEmpty {
            return isExecutableFile(given)
                ? .success(URL(fileURLWithPath: given))
                : .failure(CargosimNotFound(description: "CARGOSIM_BINARY=\(given) is not an executable file."))
        }
        // The test bundle: on Linux the running executable is `<products>/CargoSimPackageTests.xctest`;
        // on macOS it is a bundle loaded by a helper, `<products>/CargoSimPackageTests.xctest/Contents/...`.
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(exe)
        }
        candidates += Bundle.allBundles.map(\.bundlePath)
        candidates += [Bundle.main.bundlePath] + CommandLine.arguments
        let productFolders = candidates.compactMap(productsFolder(containing:))
        for folder in productFolders {
            let binary = folder.appendingPathComponent("cargosim")
            if isExecutableFile(binary.path) { return .success(binary) }
        }
        let looked =
            productFolders.first.map { $0.appendingPathComponent("cargosim").path } ?? "next to the test bundle"
        return .failure(
            CargosimNotFound(
                description: "Run `swift build` first (with the same --scratch-path as `swift test`): the end-to-end "
                    + "tests run the built cargosim binary, and there is none at \(looked). `make test` builds it."))
    }

    /// The folder holding the first `*.xctest` component of `path`.
    private static func productsFolder(containing path: String) -> URL? {
        let components = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        guard let index = components.firstIndex(where: { $0.hasSuffix(".xctest") }), index > 0 else { return nil }
        return URL(fileURLWithPath: NSString.path(withComponents: Array(components[..<index])), isDirectory: true)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    /// Runs `cargosim arguments` in `directory` and waits for it (at most `timeout` seconds).
    ///
    /// The child gets the test's environment without the variables that would change its behaviour
    /// (`CARGOSIM_ASSETS`, language settings), so it finds `Assets/` from its own path and speaks English
    /// unless told otherwise. Output goes to files, not pipes, so a chatty child can never block.
    static func run(_ arguments: [String], in directory: URL, timeout: TimeInterval = 180) throws -> CommandResult {
        let binary = try binary.get()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-e2e-log-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }
        let outURL = logs.appendingPathComponent("stdout")
        let errURL = logs.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }

        var environment = ProcessInfo.processInfo.environment
        for name in ["CARGOSIM_ASSETS", "CARGOSIM_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"] {
            environment[name] = nil
        }
        environment["LANG"] = "C.UTF-8"

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                throw CargosimNotFound(
                    description: "cargosim \(arguments.joined(separator: " ")) ran over \(Int(timeout)) s.")
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        return CommandResult(
            arguments: arguments, status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// A temporary folder of one test: the child's working folder, where its outputs go.
struct Sandbox {
    let url: URL

    /// Creates a fresh folder, hands it to `body` and removes it afterwards, whatever happens.
    static func with<T>(_ body: (Sandbox) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cargosim-e2e-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(Sandbox(url: url))
    }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Runs `cargosim` here.
    func cargosim(_ arguments: String...) throws -> CommandResult { try Cargosim.run(arguments, in: url) }
    func cargosim(_ arguments: [String]) throws -> CommandResult { try Cargosim.run(arguments, in: url) }

    /// Writes `text` to `relative` and returns its URL.
    @discardableResult
    func write(_ text: String, to relative: String) throws -> URL {
        let file = path(relative)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Names in `relative` (this folder by default), hidden ones included, sorted.
    func entries(_ relative: String = ".") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path(relative).path)) ?? []).sorted()
    }

    /// `generate --seed 7` of the foundation curriculum into `relative`; fails the test if it does not succeed.
    @discardableResult
    /// The 40-case foundation course, paperwork only (`--no-scans`): the scan tests render their own smaller courses.
    func generateFoundationCourse(into relative: String = "course", seed: UInt64 = 7) throws -> URL {
        let result = try cargosim(
            "generate", "--seed", "\(seed)", "--count", "40", "--mix", Checkout.foundationMix.path, "--out", relative,
            "--no-scans")
        try #require(result.succeeded, "\(result)")
        return path(relative)
    }
}

/// Every regular file under `folder`, by path relative to it, with its bytes.
func fileTree(_ folder: URL) throws -> [String: Data] {
    var tree: [String: Data] = [:]
    let base = folder.standardizedFileURL.resolvingSymlinksInPath().path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return tree }
    for case let relative as String in walker {
        let full = base + "/" + relative
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            tree[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
        }
    }
    return tree
}

enum Patterns {
    /// A translation key printed instead of its text (`label.shipper`, `stage.targeting`).
    static var untranslatedKey: Regex<AnyRegexOutput> {
        try! Regex(
            #"\b(label|stage|disposition|observation|indicator|rationale|explanation|anomaly|zone|threat|agency|point|scenario|vantage|sealClass|sealKind|sealEvent|sealActor|sealFinding|evidenceStep|package|freightTerms|freightPayment|trustedTrader|vgmMethod|discrepancy|difficultyFactor|containerFamily|cli)\.[a-zA-Z]+"#
        )
    }

    /// A `{placeholder}` left unfilled.
    static var unfilledPlaceholder: Regex<AnyRegexOutput> { try! Regex(#"\{[A-Za-z][A-Za-z0-9]*\}"#) }
}

/// The lines of `text` where `pattern` matches.
func lines(of text: String, matching pattern: Regex<AnyRegexOutput>) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.contains(pattern) }
}

import Foundation

/// Finds CargoSim's `Assets/` folder (catalogues, schemas, translations, web UI) wherever the binary
/// is started from.
///
/// Looks, in this order, and takes the first folder that holds `catalog/`:
/// 1. `explicitPath` (the CLI's `--assets`), relative to `currentDirectory` when not absolute;
/// 2. the environment variable `CARGOSIM_ASSETS`;
/// 3. `Assets/` in the executable's folder or any folder above it (a development build in
///    `.build/debug/` finds the checkout's `Assets/`);
/// 4. `<executable folder>/../share/cargosim/Assets` (the packaged layout: `bin/` next to `share/`);
/// 5. `Assets/` in the current directory or any folder above it.
///
/// An explicit path or environment variable that does not lead to a catalogue is an error, not a reason
/// to look elsewhere: a user who points at a folder means that folder. Either may also name the folder
/// that contains `Assets/` (the checkout). Everything the search depends on is a parameter, so tests
/// can run it against temporary folders and a fake environment.
public struct AssetLocator: Sendable {
    /// The environment variable that overrides the search.
    public static let environmentVariable = "CARGOSIM_ASSETS"

    /// A path given on the command line (`--assets`), if any.
    public var explicitPath: String?
    /// The process environment (only `CARGOSIM_ASSETS` is read).
    public var environment: [String: String]
    /// The running executable's path, symbolic links resolved; nil when unknown.
    public var executablePath: String?
    /// The folder relative paths are resolved against, and the last place searched.
    public var currentDirectory: String

    public init(
        explicitPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = AssetLocator.runningExecutablePath(),
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        self.explicitPath = explicitPath
        self.environment = environment
        self.executablePath = executablePath
        self.currentDirectory = currentDirectory
    }

    /// The `Assets/` folder, or a `BundleError` (`assets.invalid` for a wrong `--assets` or
    /// `CARGOSIM_ASSETS`, `assets.notFound` when the search finds nothing) that says how to fix it.
    public func locate() throws -> URL {
        if let explicitPath, !explicitPath.isEmpty {
            return try checked(explicitPath, origin: "--assets")
        }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return try checked(fromEnvironment, origin: Self.environmentVariable)
        }
        var searched: [String] = []
        if let executablePath {
            let folder = (absolute(executablePath) as NSString).deletingLastPathComponent
            for ancestor in Self.selfAndAncestors(of: folder) {
                let candidate = Self.join(ancestor, "Assets")
                if Self.holdsCatalog(candidate) { return URL(fileURLWithPath: candidate, isDirectory: true) }
            }
            searched.append("Assets/ above \(folder)")
            let packaged = Self.normalize(Self.join(folder, "../share/cargosim/Assets"))
            if Self.holdsCatalog(packaged) { return URL(fileURLWithPath: packaged, isDirectory: true) }
            searched.append(packaged)
        }
        for ancestor in Self.selfAndAncestors(of: absolute(currentDirectory)) {
            let candidate = Self.join(ancestor, "Assets")
            if Self.holdsCatalog(candidate) { return URL(fileURLWithPath: candidate, isDirectory: true) }
        }
        searched.append("Assets/ above \(absolute(currentDirectory))")
        throw BundleError(
            code: "assets.notFound", value: searched.joined(separator: "; "),
            message: "Pass --assets <path to CargoSim's Assets folder> or set \(Self.environmentVariable) to it; "
                + "no Assets folder with a catalog/ inside was found next to the program or the current directory.")
    }

    /// True when `path` is a folder with a `catalog/` folder inside.
    public static func holdsCatalog(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: join(path, "catalog"), isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// The path of the running executable with symbolic links resolved: `/proc/self/exe` on Linux, else
    /// `CommandLine.arguments[0]` (looked up in `PATH` when it has no slash).
    public static func runningExecutablePath() -> String? {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return target
        }
        guard let first = CommandLine.arguments.first, !first.isEmpty else { return nil }
        var path = first
        if !first.contains("/") {
            let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
            guard
                let found = searchPath.split(separator: ":").map({ join(String($0), first) })
                    .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            else { return nil }
            path = found
        }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    private func checked(_ given: String, origin: String) throws -> URL {
        let path = Self.normalize(absolute(given))
        if Self.holdsCatalog(path) { return URL(fileURLWithPath: path, isDirectory: true) }
        let inside = Self.join(path, "Assets")
        if Self.holdsCatalog(inside) { return URL(fileURLWithPath: inside, isDirectory: true) }
        throw BundleError(
            code: "assets.invalid", file: given, value: given,
            message: "Point \(origin) at CargoSim's Assets folder (the one that holds catalog/, i18n/ and schema/); "
                + "\(path) has no catalog/ folder.")
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : Self.join(currentDirectory, path)
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    static func normalize(_ path: String) -> String {
        YAMLSpecReader.normalized(path)
    }

    /// `/a/b/c`, `/a/b`, `/a`, `/`.
    static func selfAndAncestors(of folder: String) -> [String] {
        var result: [String] = []
        var current = normalize(folder)
        while true {
            result.append(current.isEmpty ? "/" : current)
            if current == "/" || current.isEmpty { break }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current { break }
            current = parent
        }
        return result
    }
}

import CargoModel
import CaseGeneration
import Foundation
import Yams

/// What a YAML file under `Cases/` holds: one case spec, or a curriculum mix.
public enum SpecDocument: Hashable, Sendable {
    case spec(CaseSpec)
    case mix(CurriculumMix)
}

/// A spec that a mix includes, read from its file.
public struct IncludedSpec: Hashable, Sendable {
    /// The path as the mix writes it (relative to the mix file).
    public var path: String
    /// Where the spec was read from.
    public var url: URL
    public var spec: CaseSpec

    public init(path: String, url: URL, spec: CaseSpec) {
        self.path = path
        self.url = url
        self.spec = spec
    }
}

/// Reads case specs and curriculum mixes from YAML, keeping line and column for every error.
///
/// Reading goes in four steps, and each step's errors point at the line and column they concern:
/// 1. the text: UTF-8, at most `maximumBytes`, no anchors or aliases (see `YAMLAnchorScan`);
/// 2. YAML syntax (Yams `compose`): a syntax error carries libyaml's line and column;
/// 3. the shape: each value decodes into the Swift type (`CaseSpec` or `CurriculumMix`); a wrong type or
///    an unknown enum name fails with what was expected, and every key the type does not read is an
///    unknown key, with the closest known key suggested;
/// 4. the meaning: `CaseSpec.validate(against:)` or `CurriculumMix.validate()`, whose field paths
///    (`goods[1].commodity`) are mapped back to the node that holds the value.
///
/// Every reading function throws `BundleErrors` (never another error type), holding all errors found
/// in the last step reached (a syntax error stops there; unknown keys and meaning errors are reported
/// together). Errors are sorted by line and column. No input makes the reader crash or hang: sizes are
/// bounded, and nesting is bounded by libyaml (1,000 levels) and then by `maximumDepth`.
///
/// A document is a mix when its top level has a `count` key, otherwise a spec. In a mix, fields left
/// out take the defaults of `CurriculumMix.init` (prevalence 0.5, …); only `count` is required.
public struct YAMLSpecReader: Sendable {
    /// Largest file accepted, in bytes (default 1 MiB; a spec is a few hundred bytes).
    public var maximumBytes: Int
    /// Deepest nesting of mappings and lists accepted (default 32; a spec nests four levels).
    public var maximumDepth: Int

    public init(maximumBytes: Int = 1 << 20, maximumDepth: Int = 32) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
    }

    // MARK: Files

    /// Reads a spec or a mix from a file; errors name the file as `url.relativePath` (as the user typed it).
    public func read(fileAt url: URL, catalog: Catalog) throws -> SpecDocument {
        let source = try load(url)
        return try read(source, catalog: catalog)
    }

    /// Reads a case spec from a file and checks it against the catalogue.
    public func readSpec(fileAt url: URL, catalog: Catalog) throws -> CaseSpec {
        let source = try load(url)
        return try readSpec(source, catalog: catalog)
    }

    /// Reads a curriculum mix from a file and checks its shares, counts and ramp.
    public func readMix(fileAt url: URL) throws -> CurriculumMix {
        let source = try load(url)
        return try readMix(source).mix
    }

    // MARK: Text

    /// Reads a spec or a mix from YAML text; `file` names it in errors.
    public func read(yaml: String, file: String? = nil, catalog: Catalog) throws -> SpecDocument {
        try read(try checked(YAMLSourceText(text: yaml, file: file)), catalog: catalog)
    }

    /// Reads a case spec from YAML text and checks it against the catalogue; `file` names it in errors.
    public func readSpec(yaml: String, file: String? = nil, catalog: Catalog) throws -> CaseSpec {
        try readSpec(try checked(YAMLSourceText(text: yaml, file: file)), catalog: catalog)
    }

    /// Reads a curriculum mix from YAML text; `file` names it in errors.
    public func readMix(yaml: String, file: String? = nil) throws -> CurriculumMix {
        try readMix(try checked(YAMLSourceText(text: yaml, file: file))).mix
    }

    // MARK: Includes

    /// Reads the specs a mix includes, in order, with paths taken relative to the mix file's folder.
    ///
    /// Errors inside an included spec name that spec's file (shown as the mix's folder joined with the
    /// include path, `Cases/curricula/../specs/a.yaml` → `Cases/specs/a.yaml`). A missing or unreadable
    /// file, or a mix where a spec belongs, is reported at the `include:` line of the mix file. All
    /// includes are read, and all their errors are thrown together.
    public func readIncludes(of mix: CurriculumMix, mixFileAt mixURL: URL, catalog: Catalog) throws -> [IncludedSpec] {
        guard let includes = mix.include, !includes.isEmpty else { return [] }
        let mixDisplay = Self.displayPath(of: mixURL)
        let mixFolder = mixURL.deletingLastPathComponent()
        let displayFolder = (mixDisplay as NSString).deletingLastPathComponent
        // The mix's own nodes, to point at an include line; read lazily, only when an error needs it.
        var mixSource: (YAMLSourceText, Node)??
        func mixLocation(_ index: Int) -> (YAMLSourceText, YAMLPosition?)? {
            if mixSource == nil {
                mixSource = .some(try? parseChecked(try load(mixURL)))
            }
            guard let (source, root) = mixSource ?? nil else { return nil }
            return (source, root.position(for: [.key("include"), .index(index)]))
        }
        var specs: [IncludedSpec] = []
        var errors: [BundleError] = []
        for (index, path) in includes.enumerated() {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : mixFolder.appendingPathComponent(path)
            let display =
                path.hasPrefix("/") ? path : Self.normalized(displayFolder.isEmpty ? path : displayFolder + "/" + path)
            func atInclude(_ code: String, _ message: String) -> BundleError {
                if let (source, mark) = mixLocation(index) {
                    return source.error(
                        code: code, mark: mark, field: "include[\(index)]", value: path, message: message)
                }
                return BundleError(
                    code: code, file: mixDisplay, field: "include[\(index)]", value: path, message: message)
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
            else {
                errors.append(
                    atInclude(
                        "spec.include",
                        "No spec file at \(display); give a path relative to the folder of \(mixDisplay), or remove the line."
                    ))
                continue
            }
            do {
                let source = try load(url, display: display)
                let parsed = try parseChecked(source)
                if Self.isMix(parsed.1) {
                    errors.append(
                        atInclude(
                            "spec.include", "\(display) is a curriculum mix (it has `count:`); include case specs only."
                        ))
                    continue
                }
                specs.append(
                    IncludedSpec(path: path, url: url, spec: try readSpec(source, parsed: parsed, catalog: catalog)))
            } catch let failure as BundleErrors {
                errors += failure.errors
            }
        }
        if !errors.isEmpty { throw BundleErrors(errors) }
        return specs
    }

    // MARK: Steps

    func load(_ url: URL, display: String? = nil) throws -> YAMLSourceText {
        let display = display ?? Self.displayPath(of: url)
        let data: Data
        do {
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            if let size = attributes?[.size] as? Int, size > maximumBytes {
                throw BundleErrors(
                    BundleError(
                        code: "io.tooLarge", file: display, value: "\(size) bytes",
                        message:
                            "The file is larger than \(maximumBytes) bytes; a spec is a short YAML file, check that this is the right file."
                    ))
            }
            data = try Data(contentsOf: url)
        } catch let errors as BundleErrors {
            throw errors
        } catch {
            throw BundleErrors(
                BundleError(
                    code: "io.unreadable", file: display,
                    message: "Cannot read the file (\(Self.reason(error))); check the path and that you may read it."))
        }
        switch YAMLSourceText.decodeUTF8(data, file: display) {
        case .success(let text): return try checked(YAMLSourceText(text: text, file: display))
        case .failure(let error): throw BundleErrors(error)
        }
    }

    /// Size limit on text that came in as a string.
    func checked(_ source: YAMLSourceText) throws -> YAMLSourceText {
        if source.text.utf8.count > maximumBytes {
            throw BundleErrors(
                source.error(
                    code: "io.tooLarge", mark: nil, value: "\(source.text.utf8.count) bytes",
                    message:
                        "The text is larger than \(maximumBytes) bytes; a spec is a short YAML file, check that this is the right file."
                ))
        }
        return source
    }

    private func read(_ source: YAMLSourceText, catalog: Catalog) throws -> SpecDocument {
        let parsed = try parseChecked(source)
        if Self.isMix(parsed.1) { return .mix(try readMix(source, parsed: parsed).mix) }
        return .spec(try readSpec(source, parsed: parsed, catalog: catalog))
    }

    private func readSpec(_ source: YAMLSourceText, parsed: (YAMLSourceText, Node)? = nil, catalog: Catalog) throws
        -> CaseSpec
    {
        let (_, root) = try parsed ?? parseChecked(source)
        if Self.isMix(root) {
            let mark = root.locate([.key("count")]).keyMark
            throw BundleErrors(
                source.error(
                    code: "spec.kind", mark: mark, field: "count",
                    message:
                        "This file is a curriculum mix (it has `count:`), not a case spec; remove `count:` or use it as a mix."
                ))
        }
        let (spec, unknown) = try decode(CaseSpec.self, from: root, source: source)
        var errors = unknown
        errors += spec.validate(against: catalog).errors.map { locate($0, in: root, source: source) }
        if !errors.isEmpty { throw BundleErrors(errors).sorted() }
        return spec
    }

    private func readMix(_ source: YAMLSourceText, parsed: (YAMLSourceText, Node)? = nil) throws -> (
        mix: CurriculumMix, root: Node
    ) {
        let (_, root) = try parsed ?? parseChecked(source)
        let withDefaults = Self.addingMixDefaults(to: root)
        let (mix, unknown) = try decode(CurriculumMix.self, from: withDefaults, source: source)
        var errors = unknown
        errors += mix.validate().errors.map { locate($0, in: root, source: source) }
        if !errors.isEmpty { throw BundleErrors(errors).sorted() }
        return (mix, root)
    }

    /// Text checks, YAML syntax, and the document's overall shape (a mapping, not too deep).
    func parseChecked(_ source: YAMLSourceText) throws -> (YAMLSourceText, Node) {
        if let (mark, token) = YAMLAnchorScan.firstAnchorOrAlias(in: source.text) {
            throw BundleErrors(
                source.error(
                    code: "yaml.anchor", mark: mark, value: token,
                    message:
                        "Anchors (&name) and aliases (*name) are not supported in spec files; write the value out in full, or put the text in quotes if the & or * belongs to it."
                ))
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: source.text, .basic)
        } catch let error as YamlError {
            throw BundleErrors(Self.syntaxError(error, source: source))
        } catch {
            throw BundleErrors(
                source.error(
                    code: "yaml.syntax", mark: nil,
                    message: "The YAML cannot be read (\(error)); check the file's syntax."))
        }
        guard let root else {
            throw BundleErrors(
                source.error(
                    code: "yaml.empty", mark: YAMLPosition(line: 1, column: 1),
                    message: "The file is empty; write at least one `key: value` line (e.g. `scenario: clean`)."))
        }
        guard case .mapping = root else {
            throw BundleErrors(
                source.error(
                    code: "yaml.topLevel", mark: root.position ?? YAMLPosition(line: 1, column: 1),
                    message:
                        "Expected `key: value` lines at the top level; found \(describe(root)). Start each line with a key such as `scenario:`."
                ))
        }
        if let (mark, anchor) = Self.firstTooDeepOrAnchored(root, maximumDepth: maximumDepth) {
            if anchor {
                throw BundleErrors(
                    source.error(
                        code: "yaml.anchor", mark: mark,
                        message:
                            "Anchors (&name) and aliases (*name) are not supported in spec files; write the value out in full."
                    ))
            }
            throw BundleErrors(
                source.error(
                    code: "yaml.depth", mark: mark,
                    message:
                        "The document nests deeper than \(maximumDepth) levels; a spec needs four at most, check the indentation."
                ))
        }
        return (source, root)
    }

    func decode<T: Decodable>(_ type: T.Type, from root: Node, source: YAMLSourceText) throws -> (
        T, [BundleError]
    ) {
        do {
            let (value, unknownKeys) = try YAMLNodeDecoder().decode(T.self, from: root)
            let errors = unknownKeys.map { unknown in
                let near = closestMatch(to: unknown.key, in: unknown.known)
                let place = unknown.parent.isEmpty ? "at the top level" : "under \(unknown.parent.fieldPath)"
                let fix = near.map { "did you mean `\($0):`? " } ?? ""
                return source.error(
                    code: "spec.unknownKey", mark: unknown.mark,
                    field: (unknown.parent + [.key(unknown.key)]).fieldPath,
                    value: unknown.key,
                    message: "Unknown key `\(BundleError.displayValue(unknown.key))` \(place); \(fix)Known keys here: "
                        + unknown.known.joined(separator: ", ") + ".")
            }
            return (value, errors)
        } catch let failure as YAMLDecodeFailure {
            let mark = failure.mark ?? root.position(for: failure.path)
            throw BundleErrors(
                source.error(
                    code: failure.code, mark: mark, field: failure.path.fieldPath,
                    value: failure.value, message: failure.message))
        } catch let error as DecodingError {
            throw BundleErrors(Self.bundleError(from: error, root: root, source: source))
        }
    }

    /// A `ValidationError` from the model, placed at the node its field path names.
    func locate(_ error: ValidationError, in root: Node, source: YAMLSourceText) -> BundleError {
        let mark = root.position(for: [YAMLPathComponent](fieldPath: error.field))
        let line = mark.map { max(1, $0.line) }
        return BundleError(
            error, file: source.file, line: line, column: mark.map { max(1, $0.column) },
            sourceLine: line.flatMap(source.line))
    }

    // MARK: Helpers

    /// A `DecodingError` thrown by a type's own `init(from:)`: walk its coding path to the node.
    static func bundleError(from error: DecodingError, root: Node, source: YAMLSourceText) -> BundleError {
        func path(_ codingPath: [any CodingKey]) -> [YAMLPathComponent] {
            codingPath.map { key in
                if key is YAMLIndexKey, let index = key.intValue { return .index(index) }
                return .key(key.stringValue)
            }
        }
        let (codingPath, message): ([any CodingKey], String)
        switch error {
        case .typeMismatch(let type, let context):
            (codingPath, message) = (
                context.codingPath, "Expected \(humanTypeName(String(describing: type))); \(context.debugDescription)"
            )
        case .valueNotFound(let type, let context):
            (codingPath, message) = (
                context.codingPath, "Expected \(humanTypeName(String(describing: type))); found nothing."
            )
        case .keyNotFound(let key, let context):
            (codingPath, message) = (context.codingPath, "Add the key `\(key.stringValue):`; it is required.")
        case .dataCorrupted(let context):
            (codingPath, message) = (context.codingPath, context.debugDescription)
        @unknown default:
            (codingPath, message) = ([], "\(error)")
        }
        let components = path(codingPath)
        let value: String? = if case .scalar(let scalar) = root.locate(components).node { scalar.string } else { nil }
        return source.error(
            code: "spec.type", mark: root.position(for: components), field: components.fieldPath,
            value: value, message: message)
    }

    static func syntaxError(_ error: YamlError, source: YAMLSourceText) -> BundleError {
        func problem(_ text: String, context: YamlError.Context?) -> String {
            var message = "YAML syntax: " + text
            if let context { message += " (" + context.text + " at line \(context.mark.line))" }
            return message + "; check the indentation, the colons and the quotes on this line or the one before."
        }
        switch error {
        case .scanner(let context, let text, let mark, _), .parser(let context, let text, let mark, _):
            if let line = source.line(mark.line), line.unicodeScalars.prefix(max(0, mark.column)).contains("\t") {
                return source.error(
                    code: "yaml.syntax", mark: YAMLPosition(mark),
                    message: "Indent with spaces, not tabs; replace the tab on this line (YAML syntax: \(text)).")
            }
            return source.error(code: "yaml.syntax", mark: YAMLPosition(mark), message: problem(text, context: context))
        case .composer(let context, let text, let mark, _):
            if text.contains("another document") {
                return source.error(
                    code: "yaml.syntax", mark: YAMLPosition(mark),
                    message: "A spec file holds one document; remove the second `---` or split the file.")
            }
            return source.error(code: "yaml.syntax", mark: YAMLPosition(mark), message: problem(text, context: context))
        case .reader(let text, let offset, _, _):
            let mark = offset.map(source.position(ofCharacterOffset:))
            return source.error(
                code: "yaml.syntax", mark: mark ?? YAMLPosition(line: 1, column: 1),
                message: "The text cannot be read (\(text)); remove control characters and save the file as UTF-8.")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\(BundleError.displayValue($0))`" }.joined(separator: ", ")
            return source.error(
                code: "yaml.duplicateKey",
                mark: context.mark.line >= 1 ? YAMLPosition(context.mark) : YAMLPosition(line: 1, column: 1),
                value: duplicates.first,
                message: "The key \(keys) appears more than once in the same mapping; keep one.")
        default:
            return source.error(
                code: "yaml.syntax", mark: YAMLPosition(line: 1, column: 1),
                message: "The YAML cannot be read (\(error)); check the file's syntax.")
        }
    }

    /// The first node deeper than `maximumDepth`, or the first node with an anchor (`true`), walking
    /// the tree without recursion.
    static func firstTooDeepOrAnchored(_ root: Node, maximumDepth: Int) -> (YAMLPosition?, Bool)? {
        var stack: [(Node, Int)] = [(root, 1)]
        var visited = 0
        while let (node, depth) = stack.popLast() {
            visited += 1
            if visited > 1_000_000 { return (node.position, false) }
            if node.anchor != nil { return (node.position, true) }
            if depth > maximumDepth { return (node.position, false) }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping.reversed() {
                    stack.append((value, depth + 1))
                    stack.append((key, depth + 1))
                }
            case .sequence(let sequence):
                for item in sequence.reversed() { stack.append((item, depth + 1)) }
            case .scalar, .alias:
                break
            }
        }
        return nil
    }

    static func isMix(_ root: Node) -> Bool {
        guard case .mapping(let mapping) = root else { return false }
        return mapping.contains { $0.key.scalar?.string == "count" }
    }

    /// The mix mapping with the defaults of `CurriculumMix.init` added for top-level keys it leaves out.
    ///
    /// The synthesized `Decodable` of `CurriculumMix` requires every non-optional field; authors should
    /// only need `count`. The defaults come from the initializer itself, so they cannot drift.
    static func addingMixDefaults(to root: Node) -> Node {
        guard case .mapping(let mapping) = root,
            let text = try? YAMLEncoder().encode(CurriculumMix(count: 1)),
            case .mapping(let defaults)? = try? Yams.compose(yaml: text, .basic)
        else { return root }
        let present = Set(mapping.compactMap { $0.key.scalar?.string })
        var pairs = Array(mapping).map { ($0.key, $0.value) }
        for (key, value) in defaults {
            guard let name = key.scalar?.string, name != "count", !present.contains(name) else { continue }
            // No marks: these values were never written by the author.
            pairs.append((Node(name), Self.unmarked(value)))
        }
        return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
    }

    private static func unmarked(_ node: Node) -> Node {
        switch node {
        case .scalar(let scalar): return .scalar(Node.Scalar(scalar.string, scalar.tag, scalar.style))
        case .mapping(let mapping):
            return .mapping(Node.Mapping(mapping.map { (unmarked($0.key), unmarked($0.value)) }))
        case .sequence(let sequence): return .sequence(Node.Sequence(sequence.map(unmarked)))
        case .alias: return node
        }
    }

    /// The path the user gave (`Cases/x.yaml`), or the absolute path when the URL has no base.
    static func displayPath(of url: URL) -> String {
        url.baseURL != nil ? url.relativePath : url.path
    }

    /// Removes `.` and `a/..` from a relative or absolute path, textually.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return nsError.localizedDescription
    }
}

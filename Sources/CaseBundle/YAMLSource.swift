import Foundation
import Yams

/// One step of a path into a YAML document: a mapping key or a list position.
enum YAMLPathComponent: Hashable, Sendable {
    case key(String)
    case index(Int)
}

extension Array where Element == YAMLPathComponent {
    /// The path as the model writes field paths: `goods[1].commodity`, `scenarios.ripOnRipOff`.
    var fieldPath: String {
        var text = ""
        for component in self {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// Parses a model field path (`goods[1].commodity`, `route.via[0]`, `goods`, or empty for the root).
    ///
    /// Anything that does not parse as an index is kept as a key, so an odd path still resolves as far
    /// as it can.
    init(fieldPath: String) {
        self = []
        for part in fieldPath.split(separator: ".", omittingEmptySubsequences: true) {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                let name = rest[..<bracket]
                if !name.isEmpty { append(.key(String(name))) }
                rest = rest[bracket...]
                while rest.first == "[", let close = rest.firstIndex(of: "]") {
                    let inside = rest[rest.index(after: rest.startIndex)..<close]
                    if let index = Int(inside) { append(.index(index)) } else { append(.key(String(inside))) }
                    rest = rest[rest.index(after: close)...]
                }
                if !rest.isEmpty { append(.key(String(rest))) }
            } else {
                append(.key(String(rest)))
            }
        }
    }
}

/// A 1-based line and column (columns in Unicode scalars, as libyaml counts them).
struct YAMLPosition: Hashable, Sendable {
    var line: Int
    var column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: Mark) {
        self.init(line: mark.line, column: mark.column)
    }
}

extension Node {
    /// Where the node starts in the text, if it came from text.
    var position: YAMLPosition? { mark.map(YAMLPosition.init) }
}

/// A YAML text with its lines, for error positions and caret displays.
struct YAMLSourceText {
    /// The file as the user named it, or nil.
    let file: String?
    let text: String
    let lines: [Substring]

    init(text: String, file: String?) {
        self.file = file
        self.text = text
        // libyaml breaks lines at LF, CR LF and CR alike; so do we, so that line numbers agree.
        self.lines = text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }

    /// The text of 1-based `line`, if the document has it.
    func line(_ number: Int) -> String? {
        guard number >= 1, number <= lines.count else { return nil }
        return String(lines[number - 1])
    }

    /// An error at `mark` (or at no position), with the source line filled in.
    ///
    /// A position past the end of the text (libyaml reports the end of the stream as the line after the
    /// last) is moved to the end of the last line, so that the caret has a line to stand under.
    func error(code: String, mark: YAMLPosition?, field: String? = nil, value: String? = nil, message: String)
        -> BundleError
    {
        var line = mark.map { max(1, $0.line) }
        var column = mark.map { max(1, $0.column) }
        if let number = line, number > lines.count {
            line = max(1, lines.count)
            column = (lines.last?.unicodeScalars.count ?? 0) + 1
        }
        return BundleError(
            code: code, file: file, line: line, column: column, field: field, value: value,
            message: message, sourceLine: line.flatMap(self.line))
    }

    /// 1-based line and column (in Unicode scalars) of the Character at `offset` from the start.
    func position(ofCharacterOffset offset: Int) -> YAMLPosition {
        var line = 1, column = 1, count = 0
        for character in text {
            if count == offset { break }
            if character == "\n" || character == "\r\n" || character == "\r" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
            count += 1
        }
        return YAMLPosition(line: line, column: column)
    }
}

extension YAMLSourceText {
    /// Decodes `data` as UTF-8, or says where the first byte that is not UTF-8 sits.
    static func decodeUTF8(_ data: Data, file: String?) -> Result<String, BundleError> {
        if let text = String(data: data, encoding: .utf8) { return .success(text) }
        var iterator = data.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var line = 1, column = 1
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                break loop
            case .error:
                break loop
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        let source = YAMLSourceText(text: text, file: file)
        return .failure(
            source.error(
                code: "io.notUTF8", mark: YAMLPosition(line: line, column: column),
                message: "The file is not UTF-8 text; save it as UTF-8 (plain text, not a word-processor document)."))
    }
}

extension Node {
    /// The value at `path`, with the mark of the key that holds it (nil for list items and the root).
    ///
    /// Stops at the deepest node that exists: `resolved` says how many components were found.
    func locate(_ path: [YAMLPathComponent]) -> (node: Node, keyMark: YAMLPosition?, resolved: Int) {
        var node = self
        var keyMark: YAMLPosition?
        var resolved = 0
        for component in path {
            switch (component, node) {
            case (.key(let key), .mapping(let mapping)):
                guard let pair = mapping.first(where: { $0.key.scalar?.string == key }) else {
                    return (node, keyMark, resolved)
                }
                keyMark = pair.key.position
                node = pair.value
            case (.index(let index), .sequence(let sequence)):
                guard index >= 0, index < sequence.count else { return (node, keyMark, resolved) }
                keyMark = nil
                node = sequence[index]
            default:
                return (node, keyMark, resolved)
            }
            resolved += 1
        }
        return (node, keyMark, resolved)
    }

    /// Where to point for an error about the value at `path`.
    ///
    /// A scalar value is pointed at itself; a mapping or list at the key that holds it (the line the
    /// author reads as "the goods"); a path that does not exist at the nearest parent that does.
    func position(for path: [YAMLPathComponent]) -> YAMLPosition? {
        let (node, keyMark, resolved) = locate(path)
        if resolved == path.count, case .scalar = node, let mark = node.position { return mark }
        return keyMark ?? node.position
    }
}

/// A scan of the raw text for YAML anchors (`&name`) and aliases (`*name`), done before parsing.
///
/// Spec files do not need them, and an alias used as a mapping key can make the parser hash an
/// exponentially large tree ("billion laughs"), so the reader refuses them before Yams sees the text.
/// The scan follows just enough YAML to skip quoted text, comments and block scalars; when in doubt it
/// reports a match (the message tells the author to quote the text).
enum YAMLAnchorScan {
    /// The first anchor or alias indicator at the start of a node: 1-based line and column, and the token.
    static func firstAnchorOrAlias(in text: String) -> (mark: YAMLPosition, token: String)? {
        let source = YAMLSourceText(text: text, file: nil)
        var quote: Unicode.Scalar?
        var flowDepth = 0
        var blockScalarParent: Int?
        for (lineIndex, line) in source.lines.enumerated() {
            let chars = Array(line.unicodeScalars)
            let indent = chars.prefix { $0 == " " }.count
            if let parent = blockScalarParent, quote == nil {
                let blank = chars.allSatisfy { $0 == " " || $0 == "\t" }
                if blank || indent > parent { continue }
                blockScalarParent = nil
            }
            if quote == nil, chars.first == "%" { continue }  // directive
            var i = 0
            var atNodeStart = true
            var nodeColumn = indent  // column (0-based) of the innermost node that started on this line
            if quote == nil, chars.count >= 3, chars[0] == "-", chars[1] == "-", chars[2] == "-",
                chars.count == 3 || chars[3] == " " || chars[3] == "\t"
            {
                i = 3
            }
            func isBlank(_ k: Int) -> Bool { k >= chars.count || chars[k] == " " || chars[k] == "\t" }
            func isFlowIndicator(_ k: Int) -> Bool { k < chars.count && ",[]{}".unicodeScalars.contains(chars[k]) }
            while i < chars.count {
                let c = chars[i]
                if let open = quote {
                    if open == "'" {
                        if c == "'" {
                            if i + 1 < chars.count, chars[i + 1] == "'" { i += 2; continue }
                            quote = nil
                            atNodeStart = false
                        }
                    } else {
                        if c == "\\" { i += 2; continue }
                        if c == "\"" {
                            quote = nil
                            atNodeStart = false
                        }
                    }
                    i += 1
                    continue
                }
                if c == " " || c == "\t" { i += 1; continue }
                if c == "#", i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t" { break }
                if atNodeStart {
                    switch c {
                    case "&", "*":
                        if !isBlank(i + 1), !isFlowIndicator(i + 1) {
                            var end = i + 1
                            while end < chars.count, !isBlank(end), !isFlowIndicator(end) { end += 1 }
                            var token = String.UnicodeScalarView()
                            token.append(contentsOf: chars[i..<min(end, i + 60)])
                            return (YAMLPosition(line: lineIndex + 1, column: i + 1), String(token))
                        }
                        atNodeStart = false
                    case "!":
                        while i < chars.count, !isBlank(i) { i += 1 }
                        continue
                    case "-", "?", ":":
                        if isBlank(i + 1) || (flowDepth > 0 && isFlowIndicator(i + 1)) {
                            nodeColumn = i
                            i += 1
                            continue
                        }
                        nodeColumn = i
                        atNodeStart = false
                    case "\"", "'":
                        nodeColumn = i
                        quote = c
                        atNodeStart = false
                    case "|", ">":
                        if flowDepth == 0 {
                            blockScalarParent = nodeColumn
                            i = chars.count
                            continue
                        }
                        atNodeStart = false
                    case "[", "{":
                        flowDepth += 1
                    case "]", "}":
                        flowDepth = max(0, flowDepth - 1)
                        atNodeStart = false
                    case ",":
                        break
                    default:
                        nodeColumn = i
                        atNodeStart = false
                    }
                    i += 1
                    continue
                }
                switch c {
                case ":":
                    if isBlank(i + 1) || (flowDepth > 0 && isFlowIndicator(i + 1)) { atNodeStart = true }
                case ",":
                    if flowDepth > 0 { atNodeStart = true }
                case "[", "{":
                    if flowDepth > 0 {
                        flowDepth += 1
                        atNodeStart = true
                    }
                case "]", "}":
                    if flowDepth > 0 { flowDepth -= 1 }
                default:
                    break
                }
                i += 1
            }
        }
        return nil
    }
}

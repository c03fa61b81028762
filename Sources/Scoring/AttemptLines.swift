import CargoModel
import Foundation

/// Why an attempts file cannot be read: the line, the field, the value and what to do.
public struct AttemptReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// Field path within the line's attempt (`decisions[1].flaggedIndicators[0]`); empty for the line as a whole.
    public var field: String
    public var value: String
    public var message: String

    public init(line: Int, field: String, value: String, message: String) {
        self.line = line
        self.field = field
        self.value = value
        self.message = message
    }

    public var description: String {
        "line \(line): " + (field.isEmpty ? "" : "\(field): ") + message
            + (value.isEmpty ? "" : " (value: \"\(value)\")")
    }
}

/// Attempts as JSON lines: one `Attempt` per line, as `JSONEncoder` writes it (the browser app exports the same).
///
/// The reader is hand-written for speed (several times Foundation's `JSONDecoder`; `cargosim bench scoring`
/// prints both) and strict: every key must be one `Attempt` has, every code must be a
/// known one, times must be `YYYY-MM-DDTHH:MM:SS(.sss)Z`. Blank lines are skipped. It reads the whole
/// input before returning anything, so a truncated or corrupt line anywhere means no attempt is returned:
/// nothing is graded on half-read data.
public enum AttemptLines {
    /// Reads every attempt, or throws the first error with its line.
    public static func decode(_ data: Data) throws(AttemptReadError) -> [Attempt] {
        var out: [Attempt] = []
        var failure: AttemptReadError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            out.reserveCapacity(estimateLines(bytes))
            do throws(AttemptReadError) { try forEachLine(bytes) { attempt, _ in out.append(attempt) } } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Reads `[UInt8]` input.
    public static func decode(_ bytes: [UInt8]) throws(AttemptReadError) -> [Attempt] {
        var out: [Attempt] = []
        var failure: AttemptReadError?
        bytes.withUnsafeBufferPointer { buffer in
            out.reserveCapacity(estimateLines(buffer))
            do throws(AttemptReadError) { try forEachLine(buffer) { attempt, _ in out.append(attempt) } } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Reads the attempts one at a time, calling `body` with each and its line, without keeping them:
    /// for grading a large file in one pass. `body` must keep its results provisional: when a later line
    /// is bad this throws, and the caller discards what `body` made (nothing is graded on half-read data).
    public static func forEach(_ data: Data, _ body: (Attempt, Int) -> Void) throws(AttemptReadError) {
        var failure: AttemptReadError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            do throws(AttemptReadError) { try forEachLine(raw.bindMemory(to: UInt8.self), body) } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    private static func estimateLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        min(bytes.count / 200 + 1, 10_000_000)
    }

    /// Calls `body` with each attempt and its line number, in order. Stops at the first error.
    static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Attempt, Int) -> Void)
        throws(AttemptReadError)
    {
        var parser = AttemptParser(bytes: bytes)
        var start = 0, line = 0
        let count = bytes.count
        while start < count {
            line += 1
            var stop = start
            while stop < count && bytes[stop] != 10 { stop += 1 }
            var blank = true
            for k in start..<stop where !(bytes[k] == 32 || bytes[k] == 9 || bytes[k] == 13) {
                blank = false
                break
            }
            if !blank {
                parser.reset(start, stop)
                do {
                    let attempt = try parser.attempt()
                    body(attempt, line)
                } catch {
                    throw AttemptReadError(
                        line: line, field: parser.pathText, value: error.value, message: error.message)
                }
            }
            start = stop + 1
        }
    }

    /// Appends one attempt as a JSON line (keys sorted, as `JSONEncoder` with `.sortedKeys` writes them).
    public static func encode(_ attempt: Attempt, into out: inout [UInt8]) {
        func s(_ text: String) {
            out.append(34)
            for c in text.utf8 {
                switch c {
                case 34: out += [92, 34]
                case 92: out += [92, 92]
                case 10: out += [92, 110]
                case 13: out += [92, 114]
                case 9: out += [92, 116]
                case 0..<32: out += Array(String(format: "\\u%04x", c).utf8)
                default: out.append(c)
                }
            }
            out.append(34)
        }
        func raw(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func number(_ value: Double) {
            if value == value.rounded(), abs(value) < 9e15 {
                out += Array(String(Int64(value)).utf8)
            } else {
                out += Array("\(value)".utf8)
            }
        }
        func list<T>(_ items: [T], _ each: (T) -> Void) {
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(44) }
                each(item)
            }
            out.append(93)
        }
        raw("{\"caseId\":"); s(attempt.caseId)
        raw(",\"courseHash\":"); s(attempt.courseHash)
        raw(",\"decisions\":")
        list(attempt.decisions) { d in
            out.append(123)
            if let agency = d.agency { raw("\"agency\":"); s(agency.rawValue); out.append(44) }
            raw("\"clock\":"); s(d.clock.rawValue)
            raw(",\"decidedAt\":"); s(d.decidedAt.description)
            raw(",\"disposition\":"); s(d.disposition.rawValue)
            raw(",\"evidenceSteps\":"); list(d.evidenceSteps) { s($0.rawValue) }
            raw(",\"examinedPoints\":"); list(d.examinedPoints) { s($0.rawValue) }
            raw(",\"flaggedIndicators\":"); list(d.flaggedIndicators) { s($0.rawValue) }
            raw(",\"markedRegions\":")
            list(d.markedRegions) { m in
                raw("{\"scan\":"); s(m.scan)
                raw(",\"shape\":{")
                switch m.shape {
                case let .rectangle(x, y, w, h):
                    raw("\"height\":"); number(h); raw(",\"type\":\"rectangle\",\"width\":"); number(w)
                    raw(",\"x\":"); number(x); raw(",\"y\":"); number(y)
                case let .ellipse(cx, cy, rx, ry):
                    raw("\"centerX\":"); number(cx); raw(",\"centerY\":"); number(cy)
                    raw(",\"radiusX\":"); number(rx); raw(",\"radiusY\":"); number(ry); raw(",\"type\":\"ellipse\"")
                case let .polygon(points):
                    raw("\"points\":")
                    list(points) { p in
                        raw("{\"x\":"); number(p.x); raw(",\"y\":"); number(p.y); out.append(125)
                    }
                    raw(",\"type\":\"polygon\"")
                case let .point(x, y):
                    raw("\"type\":\"point\",\"x\":"); number(x); raw(",\"y\":"); number(y)
                }
                raw("}}")
            }
            raw(",\"sealFindings\":"); list(d.sealFindings) { s($0.rawValue) }
            raw(",\"shownAt\":"); s(d.shownAt.description)
            raw(",\"stage\":"); s(d.stage.rawValue)
            out.append(125)
        }
        raw(",\"mode\":"); s(attempt.mode.rawValue)
        raw(",\"traineeId\":"); s(attempt.traineeId)
        raw("}\n")
    }

    /// Many attempts as JSON lines.
    public static func encode(_ attempts: [Attempt]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(attempts.count * 600)
        for a in attempts { encode(a, into: &out) }
        return out
    }
}

// MARK: - The parser

struct ParseFailure: Error {
    var message: String
    var value: String
}

/// The codes of a string enum as bytes, for lookups without making a `String`.
struct EnumBytes<E: RawRepresentable & CaseIterable>: Sendable where E.RawValue == String, E: Sendable {
    let entries: [([UInt8], E)]
    init() { entries = E.allCases.map { (Array($0.rawValue.utf8), $0) } }

    func lookup(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> E? {
        let n = r.count
        outer: for (bytes, value) in entries where bytes.count == n {
            var k = 0
            while k < n {
                if bytes[k] != b[r.lowerBound + k] { continue outer }
                k += 1
            }
            return value
        }
        return nil
    }

    var names: String { entries.map { String(decoding: $0.0, as: UTF8.self) }.joined(separator: ", ") }
}

enum Codes {
    static let stage = EnumBytes<Stage>()
    static let disposition = EnumBytes<Disposition>()
    static let agency = EnumBytes<Agency>()
    static let clock = EnumBytes<ClockSource>()
    static let mode = EnumBytes<AttemptMode>()
    static let indicator = EnumBytes<RiskIndicator>()
    static let sealFinding = EnumBytes<SealFinding>()
    static let point = EnumBytes<ExaminationPoint>()
    static let step = EnumBytes<EvidenceStep>()
}

enum PathPart {
    case key(StaticString)
    case index(Int)
    case none
}

/// The field path being read, as a fixed-size stack (no heap, no uniqueness checks per field).
struct PathStack {
    var depth = 0
    var parts: (PathPart, PathPart, PathPart, PathPart, PathPart, PathPart, PathPart, PathPart) =
        (.none, .none, .none, .none, .none, .none, .none, .none)

    @inline(__always) mutating func append(_ part: PathPart) {
        switch depth {
        case 0: parts.0 = part
        case 1: parts.1 = part
        case 2: parts.2 = part
        case 3: parts.3 = part
        case 4: parts.4 = part
        case 5: parts.5 = part
        case 6: parts.6 = part
        default: parts.7 = part
        }
        depth += 1
    }

    @inline(__always) mutating func removeLast() { depth -= 1 }
    mutating func removeAll(keepingCapacity: Bool) { depth = 0 }

    var all: [PathPart] {
        let list = [parts.0, parts.1, parts.2, parts.3, parts.4, parts.5, parts.6, parts.7]
        return Array(list.prefix(min(depth, 8)))
    }
}

struct AttemptParser {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var end = 0
    var path = PathStack()
    /// The last course hash and trainee id read, reused when the next line repeats them (they usually do).
    var lastCourseHash: ([UInt8], String) = ([], "")
    var lastTrainee: ([UInt8], String) = ([], "")

    init(bytes: UnsafeBufferPointer<UInt8>) {
        b = bytes
    }

    mutating func reset(_ start: Int, _ stop: Int) {
        i = start
        end = stop
        path.removeAll(keepingCapacity: true)
    }

    var pathText: String {
        var out = ""
        for part in path.all {
            switch part {
            case .key(let k): out += (out.isEmpty ? "" : ".") + k.description
            case .index(let n): out += "[\(n)]"
            case .none: break
            }
        }
        return out
    }

    func fail(_ message: String, _ value: String = "") -> ParseFailure { ParseFailure(message: message, value: value) }

    var here: String {
        i < end ? String(decoding: b[i..<min(end, i + 20)], as: UTF8.self) : "end of line"
    }

    @inline(__always) mutating func ws() {
        while i < end, b[i] == 32 || b[i] == 9 || b[i] == 13 { i += 1 }
    }

    @inline(__always) mutating func expect(_ c: UInt8) throws(ParseFailure) {
        guard i < end else {
            throw fail(
                "The line ends early (expected `\(Character(UnicodeScalar(c)))`); the line is truncated — export it again."
            )
        }
        guard b[i] == c else {
            throw fail("Expected `\(Character(UnicodeScalar(c)))` here; the line is not valid JSON.", here)
        }
        i += 1
    }

    /// The bytes of a string without escapes, or nil when it has escapes (then `i` is left at the quote).
    @inline(__always) mutating func plainString() throws(ParseFailure) -> (Range<Int>, ascii: Bool)? {
        guard i < end, b[i] == 34 else { throw fail("Expected a string in double quotes.", here) }
        let start = i + 1
        var k = start
        var ascii = true
        while k < end {
            let c = b[k]
            if c == 34 {
                i = k + 1
                return (start..<k, ascii)
            }
            if c == 92 { return nil }
            if c < 32 { throw fail("A control character inside a string; the line is corrupt.") }
            if c >= 128 { ascii = false }
            k += 1
        }
        throw fail("The line ends inside a string; the line is truncated — export it again.")
    }

    mutating func string() throws(ParseFailure) -> String {
        if let (r, ascii) = try plainString() {
            let slice = UnsafeBufferPointer(rebasing: b[r])
            if ascii { return String(decoding: slice, as: UTF8.self) }
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw fail("The text is not valid UTF-8; the line is corrupt.")
            }
            return text
        }
        // With escapes.
        i += 1
        var bytes: [UInt8] = []
        while i < end {
            let c = b[i]
            if c == 34 {
                i += 1
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw fail("The text is not valid UTF-8; the line is corrupt.")
                }
                return text
            }
            if c < 32 { throw fail("A control character inside a string; the line is corrupt.") }
            if c != 92 {
                bytes.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else { break }
            let e = b[i + 1]
            i += 2
            switch e {
            case 34, 92, 47: bytes.append(e)
            case 98: bytes.append(8)
            case 102: bytes.append(12)
            case 110: bytes.append(10)
            case 114: bytes.append(13)
            case 116: bytes.append(9)
            case 117:
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < end, b[i] == 92, b[i + 1] == 117 else {
                        throw fail("A lone surrogate in \\u escape.")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("A lone surrogate in \\u escape.") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("An invalid \\u escape.") }
                bytes.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw fail("An unknown escape `\\\(Character(UnicodeScalar(e)))` in a string.")
            }
        }
        throw fail("The line ends inside a string; the line is truncated — export it again.")
    }

    mutating func hex4() throws(ParseFailure) -> UInt32 {
        guard i + 4 <= end else { throw fail("A short \\u escape; the line is truncated.") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("A \\u escape needs four hex digits.")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// A code of `table`, named in the error with the known ones.
    mutating func code<E>(_ table: EnumBytes<E>, _ what: String) throws(ParseFailure) -> E {
        if let (r, _) = try plainString() {
            if let value = table.lookup(b, r) { return value }
            throw fail("Unknown \(what); use one of: \(table.names).", String(decoding: b[r], as: UTF8.self))
        }
        let text = try string()
        throw fail("Unknown \(what); use one of: \(table.names).", text)
    }

    mutating func number() throws(ParseFailure) -> Double {
        let start = i
        if i < end, b[i] == 45 { i += 1 }
        var digits = 0
        while i < end, b[i] >= 48 && b[i] <= 57 { i += 1; digits += 1 }
        if i < end, b[i] == 46 {
            i += 1
            var fraction = 0
            while i < end, b[i] >= 48 && b[i] <= 57 { i += 1; fraction += 1 }
            guard fraction > 0 else { throw fail("Expected digits after the decimal point.", here) }
        }
        if i < end, b[i] == 101 || b[i] == 69 {
            i += 1
            if i < end, b[i] == 43 || b[i] == 45 { i += 1 }
            var exponent = 0
            while i < end, b[i] >= 48 && b[i] <= 57 { i += 1; exponent += 1 }
            guard exponent > 0 else { throw fail("Expected digits in the exponent.", here) }
        }
        guard digits > 0, let value = Double(String(decoding: b[start..<i], as: UTF8.self)), value.isFinite else {
            i = start
            throw fail("Expected a number.", here)
        }
        return value
    }

    mutating func instant() throws(ParseFailure) -> Instant {
        guard let (r, _) = try plainString(), let value = fastInstant(r) else {
            throw fail("Write the time as YYYY-MM-DDTHH:MM:SS.sssZ in UTC.", here)
        }
        return value
    }

    /// `YYYY-MM-DDTHH:MM:SS(.s{1,3})?Z`, exactly as `Instant(parsing:)` accepts it.
    func fastInstant(_ r: Range<Int>) -> Instant? {
        let n = r.count
        guard n == 20 || (n >= 22 && n <= 24) else { return nil }
        let s = r.lowerBound
        func d(_ k: Int) -> Int? {
            let c = b[s + k]
            return c >= 48 && c <= 57 ? Int(c - 48) : nil
        }
        func num(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for k in from..<(from + count) {
                guard let x = d(k) else { return nil }
                v = v * 10 + x
            }
            return v
        }
        guard b[s + 4] == 45, b[s + 7] == 45, b[s + 10] == 84, b[s + 13] == 58, b[s + 16] == 58, b[s + n - 1] == 90,
            let year = num(0, 4), let month = num(5, 2), let day = num(8, 2), let h = num(11, 2), let m = num(14, 2),
            let sec = num(17, 2), (1...12).contains(month), day >= 1, h < 24, m < 60, sec < 60
        else { return nil }
        var millis = 0
        if n > 20 {
            guard b[s + 19] == 46, let f = num(20, n - 21) else { return nil }
            millis = f * [1, 100, 10, 1][n - 21]
        }
        let date = CalendarDate(year: year, month: month, day: day)
        let c = date.components
        guard c.day == day, c.month == month else { return nil }
        return Instant(
            millisecondsSinceEpoch: (Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + sec)) * 1000
                + Int64(millis))
    }

    /// The next key of an object, or nil at its end. `first` tracks the comma.
    @inline(__always) mutating func nextKey(_ first: inout Bool) throws(ParseFailure) -> Range<Int>? {
        ws()
        guard i < end else { throw fail("The line ends inside an object; the line is truncated — export it again.") }
        if b[i] == 125 {
            i += 1
            return nil
        }
        if !first {
            try expect(44)
            ws()
        }
        first = false
        guard let (r, _) = try plainString() else { throw fail("Unknown field (a key with escapes).") }
        ws()
        try expect(58)
        ws()
        return r
    }

    /// True when the array has another element. `first` tracks the comma.
    @inline(__always) mutating func nextElement(_ first: inout Bool) throws(ParseFailure) -> Bool {
        ws()
        guard i < end else { throw fail("The line ends inside a list; the line is truncated — export it again.") }
        if b[i] == 93 {
            i += 1
            return false
        }
        if !first {
            try expect(44)
            ws()
        }
        first = false
        return true
    }

    @inline(__always) func key(_ r: Range<Int>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard r.count == n else { return false }
        let p = s.utf8Start
        var k = 0
        while k < n {
            if p[k] != b[r.lowerBound + k] { return false }
            k += 1
        }
        return true
    }

    func unknown(_ r: Range<Int>, _ known: String) -> ParseFailure {
        fail("Unknown field; the fields here are: \(known).", String(decoding: b[r], as: UTF8.self))
    }

    func missing(_ name: String) -> ParseFailure {
        fail("The field `\(name)` is missing; the line is incomplete — export it again.")
    }

    mutating func list<T>(_ name: StaticString, _ element: (inout AttemptParser) throws(ParseFailure) -> T)
        throws(ParseFailure) -> [T]
    {
        path.append(.key(name))
        ws()
        try expect(91)
        var out: [T] = []
        var first = true
        var index = 0
        while try nextElement(&first) {
            path.append(.index(index))
            out.append(try element(&self))
            path.removeLast()
            index += 1
        }
        path.removeLast()
        return out
    }

    mutating func cached(_ cache: inout ([UInt8], String)) throws(ParseFailure) -> String {
        if let (r, ascii) = try plainString(), ascii {
            if cache.0.count == r.count,
                cache.0.withUnsafeBufferPointer({ p in
                    memcmp(p.baseAddress!, b.baseAddress! + r.lowerBound, r.count) == 0
                })
            {
                return cache.1
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
            cache = (Array(b[r]), text)
            return text
        }
        return try string()
    }

    mutating func attempt() throws(ParseFailure) -> Attempt {
        ws()
        try expect(123)
        var caseId: String?, courseHash: String?, traineeId: String?, mode: AttemptMode?, decisions: [Decision]?
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "caseId") {
                path.append(.key("caseId")); caseId = try string(); path.removeLast()
            } else if key(k, "courseHash") {
                path.append(.key("courseHash")); var cache = lastCourseHash; courseHash = try cached(&cache);
                lastCourseHash = cache; path.removeLast()
            } else if key(k, "traineeId") {
                path.append(.key("traineeId")); var cache = lastTrainee; traineeId = try cached(&cache);
                lastTrainee = cache; path.removeLast()
            } else if key(k, "mode") {
                path.append(.key("mode")); mode = try code(Codes.mode, "mode"); path.removeLast()
            } else if key(k, "decisions") {
                decisions = try list("decisions") { (p: inout AttemptParser) throws(ParseFailure) in try p.decision() }
            } else {
                throw unknown(k, "caseId, courseHash, traineeId, mode, decisions")
            }
        }
        ws()
        guard i == end else { throw fail("Text after the attempt's closing brace; one attempt per line.", here) }
        guard let caseId else { throw missing("caseId") }
        guard let courseHash else { throw missing("courseHash") }
        guard let traineeId else { throw missing("traineeId") }
        guard let mode else { throw missing("mode") }
        guard let decisions else { throw missing("decisions") }
        return Attempt(caseId: caseId, courseHash: courseHash, traineeId: traineeId, mode: mode, decisions: decisions)
    }

    mutating func decision() throws(ParseFailure) -> Decision {
        try expect(123)
        var stage: Stage?, disposition: Disposition?, agency: Agency?, shownAt: Instant?, decidedAt: Instant?
        var clock: ClockSource?
        var marks: [MarkedRegion] = [], indicators: [RiskIndicator] = [], findings: [SealFinding] = []
        var points: [ExaminationPoint] = [], steps: [EvidenceStep] = []
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "stage") {
                path.append(.key("stage")); stage = try code(Codes.stage, "stage"); path.removeLast()
            } else if key(k, "disposition") {
                path.append(.key("disposition")); disposition = try code(Codes.disposition, "disposition");
                path.removeLast()
            } else if key(k, "agency") {
                path.append(.key("agency"))
                if i + 4 <= end, b[i] == 110, b[i + 1] == 117, b[i + 2] == 108, b[i + 3] == 108 {
                    i += 4
                } else {
                    agency = try code(Codes.agency, "agency")
                }
                path.removeLast()
            } else if key(k, "shownAt") {
                path.append(.key("shownAt")); shownAt = try instant(); path.removeLast()
            } else if key(k, "decidedAt") {
                path.append(.key("decidedAt")); decidedAt = try instant(); path.removeLast()
            } else if key(k, "clock") {
                path.append(.key("clock")); clock = try code(Codes.clock, "clock"); path.removeLast()
            } else if key(k, "flaggedIndicators") {
                indicators = try list("flaggedIndicators") { (p: inout AttemptParser) throws(ParseFailure) in
                    try p.code(Codes.indicator, "indicator code")
                }
            } else if key(k, "sealFindings") {
                findings = try list("sealFindings") { (p: inout AttemptParser) throws(ParseFailure) in
                    try p.code(Codes.sealFinding, "seal finding")
                }
            } else if key(k, "examinedPoints") {
                points = try list("examinedPoints") { (p: inout AttemptParser) throws(ParseFailure) in
                    try p.code(Codes.point, "examination point")
                }
            } else if key(k, "evidenceSteps") {
                steps = try list("evidenceSteps") { (p: inout AttemptParser) throws(ParseFailure) in
                    try p.code(Codes.step, "custody step")
                }
            } else if key(k, "markedRegions") {
                marks = try list("markedRegions") { (p: inout AttemptParser) throws(ParseFailure) in
                    try p.markedRegion()
                }
            } else {
                throw unknown(
                    k,
                    "stage, disposition, agency, shownAt, decidedAt, clock, markedRegions, flaggedIndicators, sealFindings, examinedPoints, evidenceSteps"
                )
            }
        }
        guard let stage else { throw missing("stage") }
        guard let disposition else { throw missing("disposition") }
        guard let shownAt else { throw missing("shownAt") }
        guard let decidedAt else { throw missing("decidedAt") }
        guard let clock else { throw missing("clock") }
        return Decision(
            stage: stage, disposition: disposition, agency: agency, shownAt: shownAt, decidedAt: decidedAt,
            clock: clock, markedRegions: marks, flaggedIndicators: indicators, sealFindings: findings,
            examinedPoints: points, evidenceSteps: steps)
    }

    mutating func markedRegion() throws(ParseFailure) -> MarkedRegion {
        try expect(123)
        var scan: String?, shape: RegionShape?
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "scan") {
                path.append(.key("scan")); scan = try string(); path.removeLast()
            } else if key(k, "shape") {
                path.append(.key("shape")); shape = try regionShape(); path.removeLast()
            } else {
                throw unknown(k, "scan, shape")
            }
        }
        guard let scan else { throw missing("scan") }
        guard let shape else { throw missing("shape") }
        return MarkedRegion(scan: scan, shape: shape)
    }

    mutating func regionShape() throws(ParseFailure) -> RegionShape {
        try expect(123)
        var type: String?
        var values: [String: Double] = [:]
        var points: [PixelPoint]?
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "type") {
                type = try string()
            } else if key(k, "points") {
                points = try list("points") { (p: inout AttemptParser) throws(ParseFailure) in try p.pixelPoint() }
            } else {
                let name = String(decoding: b[k], as: UTF8.self)
                guard ["x", "y", "width", "height", "centerX", "centerY", "radiusX", "radiusY"].contains(name) else {
                    throw unknown(k, "type, x, y, width, height, centerX, centerY, radiusX, radiusY, points")
                }
                values[name] = try number()
            }
        }
        func v(_ name: String) throws(ParseFailure) -> Double {
            guard let value = values[name] else { throw missing(name) }
            return value
        }
        switch type {
        case "rectangle":
            return .rectangle(x: try v("x"), y: try v("y"), width: try v("width"), height: try v("height"))
        case "ellipse":
            return .ellipse(
                centerX: try v("centerX"), centerY: try v("centerY"), radiusX: try v("radiusX"),
                radiusY: try v("radiusY"))
        case "point": return .point(x: try v("x"), y: try v("y"))
        case "polygon":
            guard let points else { throw missing("points") }
            return .polygon(points: points)
        case nil: throw missing("type")
        default: throw fail("Use a shape type of rectangle, ellipse, polygon or point.", type ?? "")
        }
    }

    mutating func pixelPoint() throws(ParseFailure) -> PixelPoint {
        try expect(123)
        var x: Double?, y: Double?
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "x") {
                x = try number()
            } else if key(k, "y") {
                y = try number()
            } else {
                throw unknown(k, "x, y")
            }
        }
        guard let x else { throw missing("x") }
        guard let y else { throw missing("y") }
        return PixelPoint(x: x, y: y)
    }
}

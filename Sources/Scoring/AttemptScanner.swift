import CargoModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads attempts from JSON lines one line at a time into a reused `AttemptRecord`, byte by byte over the
/// caller's buffer: no Foundation, no `String` per field (ids are interned, codes become ordinals), no
/// allocation for the common line.
///
/// Strict, exactly as `AttemptLines` documents: every key must be one `Attempt` has, every code a known one,
/// times `YYYY-MM-DDTHH:MM:SS(.sss)Z`. Blank lines are skipped.
///
/// ```swift
/// var scanner = AttemptScanner(bytes)   // bytes must stay valid while the scanner is used
/// while try scanner.next() { use(scanner.record, scanner.line) }
/// ```
public struct AttemptScanner {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var end = 0
    var lineStart = 0
    var path = PathStack()

    /// The attempt of the current line (valid after `next()` returned true).
    public private(set) var record = AttemptRecord()
    /// The 1-based line number of the current record (or of the line that failed).
    public private(set) var line = 0
    public private(set) var caseIds = IdInterner()
    public private(set) var courseHashes = IdInterner()
    public private(set) var traineeIds = IdInterner()
    public private(set) var scans = IdInterner()

    /// A scanner over `bytes`, which must stay valid (and unchanged) while it is used.
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        b = bytes
    }

    /// Reads the next non-blank line into `record`; false at the end of the input.
    /// - Throws: `AttemptReadError` naming the line, the field path, the value and what to do. The scanner
    ///   is not usable after an error.
    public mutating func next() throws(AttemptReadError) -> Bool {
        let count = b.count
        while lineStart < count {
            line += 1
            var stop = lineStart
            if let base = b.baseAddress,
                let found = memchr(base + lineStart, 10, count - lineStart)
            {
                stop = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            } else {
                stop = count
            }
            let start = lineStart
            lineStart = stop + 1
            var blank = true
            for k in start..<stop where !(b[k] == 32 || b[k] == 9 || b[k] == 13) {
                blank = false
                break
            }
            if blank { continue }
            i = start
            end = stop
            path.removeAll()
            record.clear()
            do { try parseAttempt() } catch {
                throw AttemptReadError(line: line, field: pathText, value: error.value, message: error.message)
            }
            return true
        }
        return false
    }

    /// The current record as an `Attempt` (the reference form; allocates).
    public func attempt() -> Attempt {
        let r = record
        func list<E>(_ range: Range<Int>, _ table: EnumBytes<E>) -> [E] { r.codes[range].map { table.value(Int($0)) } }
        let decisions = r.decisions.map { d in
            Decision(
                stage: d.stage, disposition: d.disposition, agency: d.agency, shownAt: d.shownAt,
                decidedAt: d.decidedAt, clock: d.clock, markedRegions: r.marks[d.marks].map(markedRegion),
                flaggedIndicators: list(d.indicators, Codes.indicator),
                sealFindings: list(d.sealFindings, Codes.sealFinding),
                examinedPoints: list(d.examinedPoints, Codes.point), evidenceSteps: list(d.evidenceSteps, Codes.step))
        }
        return Attempt(
            caseId: caseIds.string(r.caseId), courseHash: courseHashes.string(r.courseHash),
            traineeId: traineeIds.string(r.traineeId), mode: r.mode, decisions: decisions)
    }

    func markedRegion(_ m: MarkRecord) -> MarkedRegion {
        let shape: RegionShape
        switch m.kind {
        case .rectangle: shape = .rectangle(x: m.a, y: m.b, width: m.c, height: m.d)
        case .ellipse: shape = .ellipse(centerX: m.a, centerY: m.b, radiusX: m.c, radiusY: m.d)
        case .point: shape = .point(x: m.a, y: m.b)
        case .polygon: shape = .polygon(points: Array(record.points[m.points]))
        }
        return MarkedRegion(scan: scans.string(m.scan), shape: shape)
    }

    /// The marks of one decision of the current record.
    func markedRegions(_ decision: DecisionRecord) -> [MarkedRegion] { record.marks[decision.marks].map(markedRegion) }

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

    // MARK: - Lexing

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

    enum Table { case caseIds, courseHashes, traineeIds, scans }

    /// A string's UTF-8 bytes interned in `table` (escapes decoded; invalid UTF-8 refused).
    @inline(__always)
    mutating func interned(_ table: Table) throws(ParseFailure) -> Int {
        if let (r, ascii) = try plainString() {
            let slice = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[r])
            if !ascii, String(validating: slice.bindMemory(to: UInt8.self), as: UTF8.self) == nil {
                throw fail("The text is not valid UTF-8; the line is corrupt.")
            }
            switch table {
            case .caseIds: return caseIds.intern(slice)
            case .courseHashes: return courseHashes.intern(slice)
            case .traineeIds: return traineeIds.intern(slice)
            case .scans: return scans.intern(slice)
            }
        }
        let text = try escapedString()
        switch table {
        case .caseIds: return caseIds.intern(text)
        case .courseHashes: return courseHashes.intern(text)
        case .traineeIds: return traineeIds.intern(text)
        case .scans: return scans.intern(text)
        }
    }

    /// A string with escapes, starting at its opening quote.
    mutating func escapedString() throws(ParseFailure) -> String {
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

    /// Any string (with or without escapes).
    mutating func string() throws(ParseFailure) -> String {
        if let (r, ascii) = try plainString() {
            let slice = UnsafeBufferPointer(rebasing: b[r])
            if ascii { return String(decoding: slice, as: UTF8.self) }
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw fail("The text is not valid UTF-8; the line is corrupt.")
            }
            return text
        }
        return try escapedString()
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

    /// The ordinal of a code of `table`, named in the error with the known ones.
    @inline(__always)
    mutating func code<E>(_ table: EnumBytes<E>, _ what: String) throws(ParseFailure) -> Int {
        if let (r, _) = try plainString() {
            if let index = table.index(b, r) { return index }
            throw fail("Unknown \(what); use one of: \(table.names).", String(decoding: b[r], as: UTF8.self))
        }
        let text = try escapedString()
        throw fail("Unknown \(what); use one of: \(table.names).", text)
    }

    @inline(__always)
    mutating func value<E>(_ table: EnumBytes<E>, _ what: String) throws(ParseFailure) -> E {
        table.value(try code(table, what))
    }

    /// Powers of ten exactly representable as a `Double`.
    static let exactPowers: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { x, _ in x * 10 } }

    /// A JSON number. Up to 15 significant digits and 22 decimals it is computed here as one correctly rounded
    /// division of two exact doubles (the classic fast path, the same value `Double(String)` gives); anything
    /// longer goes through `Double(String)`.
    mutating func number() throws(ParseFailure) -> Double {
        let start = i
        var negative = false
        if i < end, b[i] == 45 {
            negative = true
            i += 1
        }
        var digits = 0
        var mantissa: UInt64 = 0
        var significant = 0
        while i < end, b[i] >= 48 && b[i] <= 57 {
            mantissa = mantissa &* 10 &+ UInt64(b[i] - 48)
            if mantissa != 0 { significant += 1 }
            i += 1
            digits += 1
        }
        var fraction = 0
        if i < end, b[i] == 46 {
            i += 1
            while i < end, b[i] >= 48 && b[i] <= 57 {
                mantissa = mantissa &* 10 &+ UInt64(b[i] - 48)
                if mantissa != 0 { significant += 1 }
                i += 1
                fraction += 1
            }
            guard fraction > 0 else { throw fail("Expected digits after the decimal point.", here) }
        }
        var hasExponent = false
        if i < end, b[i] == 101 || b[i] == 69 {
            hasExponent = true
            i += 1
            if i < end, b[i] == 43 || b[i] == 45 { i += 1 }
            var exponent = 0
            while i < end, b[i] >= 48 && b[i] <= 57 {
                i += 1
                exponent += 1
            }
            guard exponent > 0 else { throw fail("Expected digits in the exponent.", here) }
        }
        guard digits > 0 else {
            i = start
            throw fail("Expected a number.", here)
        }
        if !hasExponent, significant <= 15, fraction <= 22 {
            let magnitude = Double(mantissa) / Self.exactPowers[fraction]
            return negative ? -magnitude : magnitude
        }
        guard let value = Double(String(decoding: b[start..<i], as: UTF8.self)), value.isFinite else {
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
        @inline(__always) func num(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for k in from..<(from + count) {
                let c = b[s + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
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
            millis = n == 22 ? f * 100 : n == 23 ? f * 10 : f
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31
        guard day <= length else { return nil }
        let date = CalendarDate(year: year, month: month, day: day)
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
        return memcmp(s.utf8Start, b.baseAddress! + r.lowerBound, n) == 0
    }

    func unknown(_ r: Range<Int>, _ known: String) -> ParseFailure {
        fail("Unknown field; the fields here are: \(known).", String(decoding: b[r], as: UTF8.self))
    }

    func missing(_ name: String) -> ParseFailure {
        fail("The field `\(name)` is missing; the line is incomplete — export it again.")
    }

    /// Reads a list, calling `element` for each element with the path set.
    @inline(__always)
    mutating func list(_ name: StaticString, _ element: (inout AttemptScanner) throws(ParseFailure) -> Void)
        throws(ParseFailure)
    {
        path.append(.key(name))
        ws()
        try expect(91)
        var first = true
        var index = 0
        while try nextElement(&first) {
            path.append(.index(index))
            try element(&self)
            path.removeLast()
            index += 1
        }
        path.removeLast()
    }

    /// A list of codes appended to the record's `codes`, as a range there.
    @inline(__always)
    mutating func codeList<E>(_ name: StaticString, _ table: EnumBytes<E>, _ what: String) throws(ParseFailure)
        -> Range<Int>
    {
        let start = record.codes.count
        try list(name) { (p: inout AttemptScanner) throws(ParseFailure) in
            p.record.codes.append(UInt8(try p.code(table, what)))
        }
        return start..<record.codes.count
    }

    // MARK: - The attempt

    mutating func parseAttempt() throws(ParseFailure) {
        ws()
        try expect(123)
        var hasCase = false, hasHash = false, hasTrainee = false, hasMode = false, hasDecisions = false
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "caseId") {
                path.append(.key("caseId"))
                record.caseId = try interned(.caseIds)
                hasCase = true
                path.removeLast()
            } else if key(k, "courseHash") {
                path.append(.key("courseHash"))
                record.courseHash = try interned(.courseHashes)
                hasHash = true
                path.removeLast()
            } else if key(k, "traineeId") {
                path.append(.key("traineeId"))
                record.traineeId = try interned(.traineeIds)
                hasTrainee = true
                path.removeLast()
            } else if key(k, "mode") {
                path.append(.key("mode"))
                record.mode = try value(Codes.mode, "mode")
                hasMode = true
                path.removeLast()
            } else if key(k, "decisions") {
                // A repeated key replaces the earlier list, as JSONDecoder does.
                record.decisions.removeAll(keepingCapacity: true)
                try list("decisions") { (p: inout AttemptScanner) throws(ParseFailure) in try p.decision() }
                hasDecisions = true
            } else {
                throw unknown(k, "caseId, courseHash, traineeId, mode, decisions")
            }
        }
        ws()
        guard i == end else { throw fail("Text after the attempt's closing brace; one attempt per line.", here) }
        guard hasCase else { throw missing("caseId") }
        guard hasHash else { throw missing("courseHash") }
        guard hasTrainee else { throw missing("traineeId") }
        guard hasMode else { throw missing("mode") }
        guard hasDecisions else { throw missing("decisions") }
    }

    mutating func decision() throws(ParseFailure) {
        try expect(123)
        var stage: Stage?, disposition: Disposition?, agency: Agency?, shownAt: Instant?, decidedAt: Instant?
        var clock: ClockSource?
        var marks = 0..<0, indicators = 0..<0, findings = 0..<0, points = 0..<0, steps = 0..<0
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "stage") {
                path.append(.key("stage"))
                stage = try value(Codes.stage, "stage")
                path.removeLast()
            } else if key(k, "disposition") {
                path.append(.key("disposition"))
                disposition = try value(Codes.disposition, "disposition")
                path.removeLast()
            } else if key(k, "agency") {
                path.append(.key("agency"))
                if i + 4 <= end, b[i] == 110, b[i + 1] == 117, b[i + 2] == 108, b[i + 3] == 108 {
                    i += 4
                    agency = nil
                } else {
                    agency = try value(Codes.agency, "agency")
                }
                path.removeLast()
            } else if key(k, "shownAt") {
                path.append(.key("shownAt"))
                shownAt = try instant()
                path.removeLast()
            } else if key(k, "decidedAt") {
                path.append(.key("decidedAt"))
                decidedAt = try instant()
                path.removeLast()
            } else if key(k, "clock") {
                path.append(.key("clock"))
                clock = try value(Codes.clock, "clock")
                path.removeLast()
            } else if key(k, "flaggedIndicators") {
                indicators = try codeList("flaggedIndicators", Codes.indicator, "indicator code")
            } else if key(k, "sealFindings") {
                findings = try codeList("sealFindings", Codes.sealFinding, "seal finding")
            } else if key(k, "examinedPoints") {
                points = try codeList("examinedPoints", Codes.point, "examination point")
            } else if key(k, "evidenceSteps") {
                steps = try codeList("evidenceSteps", Codes.step, "custody step")
            } else if key(k, "markedRegions") {
                let start = record.marks.count
                try list("markedRegions") { (p: inout AttemptScanner) throws(ParseFailure) in try p.markedRegion() }
                marks = start..<record.marks.count
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
        record.decisions.append(
            DecisionRecord(
                stage: stage, disposition: disposition, agency: agency, shownAt: shownAt, decidedAt: decidedAt,
                clock: clock, indicators: indicators, sealFindings: findings, examinedPoints: points,
                evidenceSteps: steps, marks: marks))
    }

    mutating func markedRegion() throws(ParseFailure) {
        try expect(123)
        var scan: Int?
        var shape: MarkRecord?
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "scan") {
                path.append(.key("scan"))
                scan = try interned(.scans)
                path.removeLast()
            } else if key(k, "shape") {
                path.append(.key("shape"))
                shape = try regionShape()
                path.removeLast()
            } else {
                throw unknown(k, "scan, shape")
            }
        }
        guard let scan else { throw missing("scan") }
        guard var shape else { throw missing("shape") }
        shape.scan = scan
        record.marks.append(shape)
    }

    /// A shape (its scan is set by the caller).
    mutating func regionShape() throws(ParseFailure) -> MarkRecord {
        try expect(123)
        var kind: MarkRecord.Kind?
        var typeText: String?
        var x: Double?, y: Double?, width: Double?, height: Double?
        var centerX: Double?, centerY: Double?, radiusX: Double?, radiusY: Double?
        var points: Range<Int>?
        var first = true
        while let k = try nextKey(&first) {
            if key(k, "type") {
                if let (r, _) = try plainString() {
                    kind =
                        key(r, "rectangle")
                        ? .rectangle
                        : key(r, "ellipse") ? .ellipse : key(r, "polygon") ? .polygon : key(r, "point") ? .point : nil
                    typeText = kind == nil ? String(decoding: b[r], as: UTF8.self) : nil
                } else {
                    let text = try escapedString()
                    kind = MarkRecord.Kind.named(text)
                    typeText = kind == nil ? text : nil
                }
            } else if key(k, "points") {
                let start = record.points.count
                try list("points") { (p: inout AttemptScanner) throws(ParseFailure) in try p.pixelPoint() }
                points = start..<record.points.count
            } else if key(k, "x") {
                x = try number()
            } else if key(k, "y") {
                y = try number()
            } else if key(k, "width") {
                width = try number()
            } else if key(k, "height") {
                height = try number()
            } else if key(k, "centerX") {
                centerX = try number()
            } else if key(k, "centerY") {
                centerY = try number()
            } else if key(k, "radiusX") {
                radiusX = try number()
            } else if key(k, "radiusY") {
                radiusY = try number()
            } else {
                throw unknown(k, "type, x, y, width, height, centerX, centerY, radiusX, radiusY, points")
            }
        }
        func v(_ value: Double?, _ name: String) throws(ParseFailure) -> Double {
            guard let value else { throw missing(name) }
            return value
        }
        switch kind {
        case .rectangle:
            return MarkRecord(
                scan: 0, kind: .rectangle, a: try v(x, "x"), b: try v(y, "y"), c: try v(width, "width"),
                d: try v(height, "height"))
        case .ellipse:
            return MarkRecord(
                scan: 0, kind: .ellipse, a: try v(centerX, "centerX"), b: try v(centerY, "centerY"),
                c: try v(radiusX, "radiusX"), d: try v(radiusY, "radiusY"))
        case .point:
            return MarkRecord(scan: 0, kind: .point, a: try v(x, "x"), b: try v(y, "y"))
        case .polygon:
            guard let points else { throw missing("points") }
            return MarkRecord(scan: 0, kind: .polygon, points: points)
        case nil:
            guard let typeText else { throw missing("type") }
            path.append(.key("type"))
            throw fail("Use a shape type of rectangle, ellipse, polygon or point.", typeText)
        }
    }

    mutating func pixelPoint() throws(ParseFailure) {
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
        record.points.append(PixelPoint(x: x, y: y))
    }
}

extension MarkRecord.Kind {
    static func named(_ text: String) -> Self? {
        switch text {
        case "rectangle": .rectangle
        case "ellipse": .ellipse
        case "polygon": .polygon
        case "point": .point
        default: nil
        }
    }
}

// MARK: - Support

struct ParseFailure: Error {
    var message: String
    var value: String
}

/// The codes of a string enum as bytes, for lookups without making a `String`; indexes are the enum's
/// declaration order (its ordinal).
struct EnumBytes<E: RawRepresentable & CaseIterable>: Sendable where E.RawValue == String, E: Sendable {
    let entries: [([UInt8], E)]
    let values: [E]
    init() {
        entries = E.allCases.map { (Array($0.rawValue.utf8), $0) }
        values = entries.map(\.1)
    }

    @inline(__always)
    func value(_ index: Int) -> E { values[index] }

    /// The index of the code in `b[r]`, or nil when it is not one.
    @inline(__always)
    func index(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? {
        let n = r.count
        let p = b.baseAddress! + r.lowerBound
        for k in entries.indices where entries[k].0.count == n {
            if entries[k].0.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return k }
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
    mutating func removeAll() { depth = 0 }

    var all: [PathPart] {
        let list = [parts.0, parts.1, parts.2, parts.3, parts.4, parts.5, parts.6, parts.7]
        return Array(list.prefix(min(depth, 8)))
    }
}

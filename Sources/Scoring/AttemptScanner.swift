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
    let tables = ScanTables.shared
    var i = 0
    var end = 0
    var lineStart = 0
    /// The date part of the last time read (its first ten bytes) and its days since 1970.
    var lastDate: (head: UInt64, tail: UInt16, days: Int) = (0, 0, Int.min)
    /// The field path of a failure, innermost part first (built only when a line fails).
    var trail = PathStack()
    /// The code each coded field is expected to hold next (its last, or for a stage the one after).
    var guesses = (stage: 0, disposition: -1, clock: -1, mode: -1, agency: -1)
    /// For each coded list (indicators, seal findings, points, custody steps), the codes of its last non-empty
    /// list, 16 each (255: none): lists repeat from attempt to attempt.
    var listGuesses = SIMD64<UInt8>(repeating: 255)

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
            let start = lineStart
            var k = start
            while k < count, b[k] == 32 || b[k] == 9 || b[k] == 13 { k += 1 }
            if k == count || b[k] == 10 {  // a blank line
                lineStart = min(count, k + 1)
                continue
            }
            // First read the line without looking for its end: no reader here passes a newline (it is not
            // whitespace to them, and strings refuse control characters), so a line that reads well ends at its
            // own newline, which is then checked.
            var read = false
            do throws(ParseFailure) {
                try readAttempt(start, count)
                read = i == count || b[i] == 10
            } catch {
                read = false
            }
            if read {
                lineStart = min(count, i + 1)
                return true
            }
            // Otherwise read it again within its bounds, for the error with the field it names.
            var stop = count
            if let base = b.baseAddress, let found = memchr(base + start, 10, count - start) {
                stop = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            lineStart = stop + 1
            do throws(ParseFailure) {
                try readAttempt(start, stop)
                guard i == end else {
                    throw fail("Text after the attempt's closing brace; one attempt per line.", here)
                }
            } catch {
                throw AttemptReadError(line: line, field: pathText, value: error.value, message: error.message)
            }
            return true
        }
        return false
    }

    /// Reads the attempt starting at `start` into a cleared record, reading no further than `stop`, and skips
    /// the spaces after it.
    @inline(__always)
    mutating func readAttempt(_ start: Int, _ stop: Int) throws(ParseFailure) {
        i = start
        end = stop
        trail.removeAll()
        record.clear()
        try parseAttempt()
        ws()
    }

    /// The current record as an `Attempt` (the reference form; allocates).
    public func attempt() -> Attempt {
        let r = record
        func list<E>(_ range: Range<Int>, _ table: EnumBytes<E>) -> [E] { r.codes[range].map { table.value(Int($0)) } }
        let decisions = r.decisions.map { d in
            Decision(
                stage: d.stage, disposition: d.disposition, agency: d.agency, shownAt: d.shownAt,
                decidedAt: d.decidedAt, clock: d.clock, markedRegions: r.marks[d.marks].map(markedRegion),
                flaggedIndicators: list(d.indicators, tables.pointee.codes.indicator),
                sealFindings: list(d.sealFindings, tables.pointee.codes.sealFinding),
                examinedPoints: list(d.examinedPoints, tables.pointee.codes.point),
                evidenceSteps: list(d.evidenceSteps, tables.pointee.codes.step))
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
        for part in trail.all.reversed() {
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

    /// The index of the quote closing a string whose text starts at `start`, when that text is plain ASCII
    /// without escapes or control characters; nil otherwise (then the general path reads it).
    ///
    /// Eight bytes at a time (SWAR): a byte below `n` is flagged by `(x − n·0x01…01) & ~x & 0x80…80`, a quote or
    /// backslash by the same test on `x` xor'ed to make it zero, a non-ASCII byte by its high bit. Borrows only
    /// run towards later bytes, so the lowest flag is exact: its byte is the first special one.
    @inline(__always) func closingQuote(from start: Int) -> Int? {
        var k = start
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let base = UnsafeRawPointer(b.baseAddress!)
        while k + 8 <= end {
            let x = base.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            let quote = x ^ (ones &* 34), backslash = x ^ (ones &* 92)
            let special =
                ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((x &- ones &* 32) & ~x) | x
            let flags = special & highs
            if flags != 0 {
                let at = k + flags.trailingZeroBitCount >> 3
                return b[at] == 34 ? at : nil
            }
            k += 8
        }
        while k < end {
            let c = b[k]
            if c == 34 { return k }
            if c == 92 || c < 32 || c >= 128 { return nil }
            k += 1
        }
        return nil
    }

    /// The bytes of a string without escapes, or nil when it has escapes (then `i` is left at the quote).
    @inline(__always) mutating func plainString() throws(ParseFailure) -> (Range<Int>, ascii: Bool)? {
        guard i < end, b[i] == 34 else { throw fail("Expected a string in double quotes.", here) }
        let start = i + 1
        if let quote = closingQuote(from: start) {
            i = quote + 1
            return (start..<quote, true)
        }
        var ascii = true
        var k = start
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

    /// `value`, trying first the code `guess` (one comparison of its quoted bytes); `guess` becomes the code
    /// read, or `successor` of it when the field is expected to move on (a decision's stage).
    @inline(__always)
    mutating func value<E>(_ table: EnumBytes<E>, _ what: String, guess: inout Int, successor: Bool = false)
        throws(ParseFailure) -> E
    {
        if let value = plainCode(table, guess: &guess, successor: successor) { return value }
        let index = try code(table, what)  // escapes, or an error naming the known codes
        guess = successor ? (index + 1 < table.table.count ? index + 1 : 0) : index
        return table.value(index)
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
        if let value = plainInstant() { return value }
        let message = "Write the time as YYYY-MM-DDTHH:MM:SS.sssZ in UTC."
        // The value named is the string read, not the bytes after it.
        guard let (r, _) = try plainString() else { throw fail(message, try escapedString()) }
        guard let value = fastInstant(r) else { throw fail(message, String(decoding: b[r], as: UTF8.self)) }
        return value
    }

    /// `YYYY-MM-DDTHH:MM:SS(.s{1,3})?Z`, exactly as `Instant(parsing:)` accepts it. The date of the previous
    /// time is kept: consecutive times usually fall on the same day, and then only the clock is read.
    mutating func fastInstant(_ r: Range<Int>) -> Instant? {
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
        guard b[s + 10] == 84, b[s + 13] == 58, b[s + 16] == 58, b[s + n - 1] == 90,
            let h = num(11, 2), let m = num(14, 2), let sec = num(17, 2), h < 24, m < 60, sec < 60
        else { return nil }
        var millis = 0
        if n > 20 {
            guard b[s + 19] == 46, let f = num(20, n - 21) else { return nil }
            millis = n == 22 ? f * 100 : n == 23 ? f * 10 : f
        }
        let raw = UnsafeRawPointer(b.baseAddress! + s)
        let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let days: Int
        if head == lastDate.head, tail == lastDate.tail, lastDate.days != Int.min {
            days = lastDate.days
        } else {
            guard b[s + 4] == 45, b[s + 7] == 45, let year = num(0, 4), let month = num(5, 2), let day = num(8, 2),
                (1...12).contains(month), day >= 1
            else { return nil }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let length =
                month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31
            guard day <= length else { return nil }
            days = CalendarDate(year: year, month: month, day: day).daysSinceEpoch
            lastDate = (head, tail, days)
        }
        return Instant(
            millisecondsSinceEpoch: (Int64(days) * 86_400 + Int64(h * 3600 + m * 60 + sec)) * 1000 + Int64(millis))
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

    /// The index in `table` of the next key of an object (with `i` after its colon and any spaces), or nil at
    /// the object's end; a key not in `table` is an error listing `known`.
    ///
    /// `guess` is the key expected next: the one after the last in sorted order, as `AttemptLines.encode` and
    /// `JSONEncoder` with `.sortedKeys` write them. It is tried with one comparison of `,"key":` before the
    /// general path (space, string, colon, hash lookup), which still reads keys in any order.
    @inline(__always)
    mutating func nextField(_ table: NameTable, _ first: inout Bool, _ guess: inout Int, _ known: String)
        throws(ParseFailure) -> Int?
    {
        if guess >= 0 {
            let k = first ? i : i + 1
            if first || (i < end && b[i] == 44) {
                // The key guessed, or the one after it (an optional key left out, such as `agency`).
                var found = guess
                var length = table.matchesPattern(found, b, k, end)
                if length == nil {
                    found = table.next(guess)
                    length = found >= 0 ? table.matchesPattern(found, b, k, end) : nil
                }
                if let length {
                    i = k + length
                    first = false
                    guess = table.next(found)
                    ws()
                    return found
                }
            }
        }
        if i < end, b[i] == 125 {
            i += 1
            return nil
        }
        return try anyField(table, &first, &guess, known)
    }

    /// `nextField` when the key is not the one guessed (or the object ends): kept out of line, so that the
    /// guessed path inlines into the object readers.
    @inline(never)
    mutating func anyField(_ table: NameTable, _ first: inout Bool, _ guess: inout Int, _ known: String)
        throws(ParseFailure) -> Int?
    {
        guard let r = try nextKey(&first) else { return nil }
        guard let index = table.index(b, r) else { throw unknown(r, known) }
        guess = table.next(index)
        return index
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

    func unknown(_ r: Range<Int>, _ known: String) -> ParseFailure {
        fail("Unknown field; the fields here are: \(known).", String(decoding: b[r], as: UTF8.self))
    }

    func missing(_ name: String) -> ParseFailure {
        fail("The field `\(name)` is missing; the line is incomplete — export it again.")
    }

    /// Reads a list, calling `element` for each element; a failure names the list and the element's index.
    @inline(__always)
    mutating func list(_ name: StaticString, _ element: (inout AttemptScanner) throws(ParseFailure) -> Void)
        throws(ParseFailure)
    {
        var index = 0
        do throws(ParseFailure) {
            ws()
            try expect(91)
            var first = true
            while try nextElement(&first) {
                do throws(ParseFailure) { try element(&self) } catch {
                    trail.append(.index(index))
                    throw error
                }
                index += 1
            }
        } catch {
            trail.append(.key(name))
            throw error
        }
    }

    /// A list of codes appended to the record's `codes`, as a range there.
    ///
    /// The common list, `[]` or `["a","b"]` (no spaces, no escapes, known codes), is read in one loop; anything
    /// else, including every error, goes the general way from the list's start.
    @inline(__always)
    mutating func codeList<E>(
        _ name: StaticString, _ table: EnumBytes<E>, _ what: String, guesses slot: Int
    ) throws(ParseFailure) -> Range<Int> {
        if let range = plainCodes(table, guesses: slot) { return range }
        return try anyCodes(name, table, what)
    }

    /// `codeList` in any other form (spaces, escapes), with its errors; kept out of line.
    @inline(never)
    mutating func anyCodes<E>(_ name: StaticString, _ table: EnumBytes<E>, _ what: String) throws(ParseFailure)
        -> Range<Int>
    {
        let start = record.codes.count
        try list(name) { (p: inout AttemptScanner) throws(ParseFailure) in
            p.record.codes.append(UInt8(try p.code(table, what)))
        }
        return start..<record.codes.count
    }

    /// A list of codes in the common form, `[]` or `["a","b"]` (no spaces, no escapes, known codes), appended to
    /// the record's `codes`; nil with nothing read or appended when the list is not in that form.
    @inline(__always)
    mutating func plainCodes<E>(_ table: EnumBytes<E>, guesses slot: Int) -> Range<Int>? {
        if i + 1 < end, b[i] == 91, b[i + 1] == 93 {  // `[]`, the most common list, without a call
            i += 2
            let start = record.codes.count
            return start..<start
        }
        return plainCodeItems(table, guesses: slot)
    }

    /// `plainCodes` past its first check.
    @inline(never)
    mutating func plainCodeItems<E>(_ table: EnumBytes<E>, guesses slot: Int) -> Range<Int>? {
        let start = record.codes.count
        guard i + 1 < end, b[i] == 91 else { return nil }
        var k = i + 1
        var position = slot &* 16
        while k < end, b[k] == 34 {
            // The code at this position of the last such list, else a lookup.
            var index = position < slot &* 16 &+ 16 ? Int(listGuesses[position]) : 255
            var quote: Int
            if index != 255, let length = table.table.matchesValue(index, b, k, end) {
                quote = k + length - 1
            } else {
                guard let found = closingQuote(from: k + 1), let known = table.index(b, (k + 1)..<found) else {
                    break
                }
                quote = found
                index = known
                if position < slot &* 16 &+ 16 { listGuesses[position] = UInt8(truncatingIfNeeded: known) }
            }
            guard quote + 1 < end else { break }
            record.codes.append(UInt8(truncatingIfNeeded: index))
            position &+= 1
            let after = b[quote + 1]
            if after == 93 {
                i = quote + 2
                return start..<record.codes.count
            }
            guard after == 44 else { break }
            k = quote + 2
        }
        record.codes.removeSubrange(start...)
        return nil
    }

    /// A code in the common form (a known code without escapes) with `guess` tried first; nil with nothing read
    /// otherwise.
    @inline(__always)
    mutating func plainCode<E>(_ table: EnumBytes<E>, guess: inout Int, successor: Bool = false) -> E? {
        var index = guess
        if guess >= 0, let length = table.table.matchesValue(guess, b, i, end) {
            i += length
        } else {
            guard i < end, b[i] == 34, let quote = closingQuote(from: i + 1),
                let known = table.index(b, (i + 1)..<quote)
            else { return nil }
            index = known
            i = quote + 1
        }
        guess = successor ? (index + 1 < table.table.count ? index + 1 : 0) : index
        return table.value(index)
    }

    /// The bytes `text` at `i` (then `i` moves past them), else false.
    @inline(__always)
    mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard i + n <= end, let base = b.baseAddress, sameBytes(text.utf8Start, base + i, n) else { return false }
        i += n
        return true
    }

    /// A time in the form every writer uses, `"YYYY-MM-DDTHH:MM:SS.sssZ"`, else nil with nothing read: no scan
    /// for the closing quote (the digits and separators are all checked by `fastInstant`).
    @inline(__always)
    mutating func plainInstant() -> Instant? {
        guard i + 25 < end, b[i] == 34, b[i + 25] == 34, let value = fastInstant((i + 1)..<(i + 25)) else { return nil }
        i += 26
        return value
    }

    /// A decision exactly as `AttemptLines.encode` (and `JSONEncoder` with sorted keys) writes one without marked
    /// regions, read straight through: true with the decision appended, or false with nothing read or appended
    /// (then `decision()` reads it the general way, with its errors).
    mutating func canonicalDecision() -> Bool {
        let start = i, codesStart = record.codes.count
        var coded = guesses
        let codes = tables
        read: do {
            guard literal("{\"") else { break read }
            var agency: Agency?
            if literal("agency\":") {
                guard let value = plainCode(codes.pointee.codes.agency, guess: &coded.agency), literal(",\"")
                else { break read }
                agency = value
            }
            guard literal("clock\":"), let clock = plainCode(codes.pointee.codes.clock, guess: &coded.clock),
                literal(",\"decidedAt\":"), let decidedAt = plainInstant(),
                literal(",\"disposition\":"),
                let disposition = plainCode(codes.pointee.codes.disposition, guess: &coded.disposition),
                literal(",\"evidenceSteps\":"), let steps = plainCodes(codes.pointee.codes.step, guesses: 3),
                literal(",\"examinedPoints\":"), let points = plainCodes(codes.pointee.codes.point, guesses: 2),
                literal(",\"flaggedIndicators\":"),
                let indicators = plainCodes(codes.pointee.codes.indicator, guesses: 0),
                literal(",\"markedRegions\":[]"),
                literal(",\"sealFindings\":"), let findings = plainCodes(codes.pointee.codes.sealFinding, guesses: 1),
                literal(",\"shownAt\":"), let shownAt = plainInstant(),
                literal(",\"stage\":"),
                let stage = plainCode(codes.pointee.codes.stage, guess: &coded.stage, successor: true),
                literal("}")
            else { break read }
            guesses = coded
            record.decisions.append(
                DecisionRecord(
                    stage: stage, disposition: disposition, agency: agency, shownAt: shownAt, decidedAt: decidedAt,
                    clock: clock, indicators: indicators, sealFindings: findings, examinedPoints: points,
                    evidenceSteps: steps, marks: 0..<0))
            return true
        }
        i = start
        record.codes.removeSubrange(codesStart...)
        return false
    }

    // MARK: - The attempt

    mutating func parseAttempt() throws(ParseFailure) {
        ws()
        try expect(123)
        var hasCase = false, hasHash = false, hasTrainee = false, hasMode = false, hasDecisions = false
        var first = true
        let keys = tables.pointee.keys.attempt
        var guess = keys.firstGuess
        while let f = try nextField(keys, &first, &guess, "caseId, courseHash, traineeId, mode, decisions") {
            switch f {
            case 0:
                do throws(ParseFailure) {
                    record.caseId = try interned(.caseIds)
                    hasCase = true
                } catch {
                    trail.append(.key("caseId"))
                    throw error
                }
            case 1:
                do throws(ParseFailure) {
                    record.courseHash = try interned(.courseHashes)
                    hasHash = true
                } catch {
                    trail.append(.key("courseHash"))
                    throw error
                }
            case 2:
                do throws(ParseFailure) {
                    record.traineeId = try interned(.traineeIds)
                    hasTrainee = true
                } catch {
                    trail.append(.key("traineeId"))
                    throw error
                }
            case 3:
                do throws(ParseFailure) {
                    var mode = guesses.mode
                    record.mode = try value(tables.pointee.codes.mode, "mode", guess: &mode)
                    guesses.mode = mode
                    hasMode = true
                } catch {
                    trail.append(.key("mode"))
                    throw error
                }
            case 4:
                // A repeated key replaces the earlier list, as JSONDecoder does.
                record.decisions.removeAll(keepingCapacity: true)
                try list("decisions") { (p: inout AttemptScanner) throws(ParseFailure) in
                    if !p.canonicalDecision() { try p.decision() }
                }
                hasDecisions = true
            default: break
            }
        }
        guard hasCase else { throw missing("caseId") }
        guard hasHash else { throw missing("courseHash") }
        guard hasTrainee else { throw missing("traineeId") }
        // Every attempt CargoSim has ever written states its mode (a required field of `Attempt` from the first
        // version), and certification counts test-mode attempts only: a line without it is refused, not guessed.
        guard hasMode else {
            throw fail(
                "The field `mode` (training or test) is missing; certification counts test-mode attempts only, so the mode cannot be guessed — export the attempts again."
            )
        }
        guard hasDecisions else { throw missing("decisions") }
    }

    mutating func decision() throws(ParseFailure) {
        try expect(123)
        var stage: Stage?, disposition: Disposition?, agency: Agency?, shownAt: Instant?, decidedAt: Instant?
        var clock: ClockSource?
        var marks = 0..<0, indicators = 0..<0, findings = 0..<0, points = 0..<0, steps = 0..<0
        var first = true
        var coded = guesses
        defer { guesses = coded }
        let keys = tables.pointee.keys.decision
        var guess = keys.firstGuess
        while let f = try nextField(
            keys, &first, &guess,
            "stage, disposition, agency, shownAt, decidedAt, clock, markedRegions, flaggedIndicators, sealFindings, examinedPoints, evidenceSteps"
        ) {
            switch f {
            case 0:
                do throws(ParseFailure) {
                    stage = try value(tables.pointee.codes.stage, "stage", guess: &coded.stage, successor: true)
                } catch {
                    trail.append(.key("stage"))
                    throw error
                }
            case 1:
                do throws(ParseFailure) {
                    disposition = try value(tables.pointee.codes.disposition, "disposition", guess: &coded.disposition)
                } catch {
                    trail.append(.key("disposition"))
                    throw error
                }
            case 2:
                do throws(ParseFailure) {
                    if i + 4 <= end, b[i] == 110, b[i + 1] == 117, b[i + 2] == 108, b[i + 3] == 108 {
                        i += 4
                        agency = nil
                    } else {
                        agency = try value(tables.pointee.codes.agency, "agency")
                    }
                } catch {
                    trail.append(.key("agency"))
                    throw error
                }
            case 3:
                do throws(ParseFailure) {
                    shownAt = try instant()
                } catch {
                    trail.append(.key("shownAt"))
                    throw error
                }
            case 4:
                do throws(ParseFailure) {
                    decidedAt = try instant()
                } catch {
                    trail.append(.key("decidedAt"))
                    throw error
                }
            case 5:
                do throws(ParseFailure) {
                    clock = try value(tables.pointee.codes.clock, "clock", guess: &coded.clock)
                } catch {
                    trail.append(.key("clock"))
                    throw error
                }
            case 6:
                indicators = try codeList(
                    "flaggedIndicators", tables.pointee.codes.indicator, "indicator code", guesses: 0)
            case 7:
                findings = try codeList("sealFindings", tables.pointee.codes.sealFinding, "seal finding", guesses: 1)
            case 8: points = try codeList("examinedPoints", tables.pointee.codes.point, "examination point", guesses: 2)
            case 9: steps = try codeList("evidenceSteps", tables.pointee.codes.step, "custody step", guesses: 3)
            case 10:
                let start = record.marks.count
                try list("markedRegions") { (p: inout AttemptScanner) throws(ParseFailure) in try p.markedRegion() }
                marks = start..<record.marks.count
            default: break
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
        var guess = tables.pointee.keys.mark.firstGuess
        while let f = try nextField(tables.pointee.keys.mark, &first, &guess, "scan, shape") {
            switch f {
            case 0:
                do throws(ParseFailure) {
                    scan = try interned(.scans)
                } catch {
                    trail.append(.key("scan"))
                    throw error
                }
            case 1:
                do throws(ParseFailure) {
                    shape = try regionShape()
                } catch {
                    trail.append(.key("shape"))
                    throw error
                }
            default: break
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
        // x, y, width, height, centerX, centerY, radiusX, radiusY, in the order of `tables.pointee.keys.shape` from index 2.
        var values: (Double?, Double?, Double?, Double?, Double?, Double?, Double?, Double?) =
            (nil, nil, nil, nil, nil, nil, nil, nil)
        var points: Range<Int>?
        var first = true
        var guess = tables.pointee.keys.shape.firstGuess
        while let f = try nextField(
            tables.pointee.keys.shape, &first, &guess,
            "type, x, y, width, height, centerX, centerY, radiusX, radiusY, points")
        {
            switch f {
            case 0:
                if let (r, _) = try plainString() {
                    kind = tables.pointee.codes.shapeKind.index(b, r).map { MarkRecord.Kind(rawValue: UInt8($0))! }
                    typeText = kind == nil ? String(decoding: b[r], as: UTF8.self) : nil
                } else {
                    let text = try escapedString()
                    kind = MarkRecord.Kind.named(text)
                    typeText = kind == nil ? text : nil
                }
            case 1:
                let start = record.points.count
                try list("points") { (p: inout AttemptScanner) throws(ParseFailure) in try p.pixelPoint() }
                points = start..<record.points.count
            case 2: values.0 = try number()
            case 3: values.1 = try number()
            case 4: values.2 = try number()
            case 5: values.3 = try number()
            case 6: values.4 = try number()
            case 7: values.5 = try number()
            case 8: values.6 = try number()
            case 9: values.7 = try number()
            default: break
            }
        }
        func v(_ value: Double?, _ name: String) throws(ParseFailure) -> Double {
            guard let value else { throw missing(name) }
            return value
        }
        switch kind {
        case .rectangle:
            return MarkRecord(
                scan: 0, kind: .rectangle, a: try v(values.0, "x"), b: try v(values.1, "y"),
                c: try v(values.2, "width"), d: try v(values.3, "height"))
        case .ellipse:
            return MarkRecord(
                scan: 0, kind: .ellipse, a: try v(values.4, "centerX"), b: try v(values.5, "centerY"),
                c: try v(values.6, "radiusX"), d: try v(values.7, "radiusY"))
        case .point:
            return MarkRecord(scan: 0, kind: .point, a: try v(values.0, "x"), b: try v(values.1, "y"))
        case .polygon:
            guard let points else { throw missing("points") }
            return MarkRecord(scan: 0, kind: .polygon, points: points)
        case nil:
            guard let typeText else { throw missing("type") }
            trail.append(.key("type"))
            throw fail("Use a shape type of rectangle, ellipse, polygon or point.", typeText)
        }
    }

    mutating func pixelPoint() throws(ParseFailure) {
        try expect(123)
        var x: Double?, y: Double?
        var first = true
        var guess = tables.pointee.keys.point.firstGuess
        while let f = try nextField(tables.pointee.keys.point, &first, &guess, "x, y") {
            switch f {
            case 0: x = try number()
            case 1: y = try number()
            default: break
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

/// Whether `n` bytes at `a` and `b` are equal, eight at a time; the last (or only) word is an overlapping load
/// ending at byte `n`, so there is no byte-by-byte tail (inlined: no call for a short name).
@inline(__always)
func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
    if n >= 8 {
        var k = 0
        while k + 8 < n {
            if x.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                != y.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            {
                return false
            }
            k += 8
        }
        return x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
    if n >= 4 {
        return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
            && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
                == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }
    var k = 0
    while k < n {
        if a[k] != b[k] { return false }
        k += 1
    }
    return true
}

/// A fixed set of names (an object's keys, an enum's codes) looked up by their bytes with one hash probe and
/// one comparison, from storage that is never released (the tables are static): no retain, no `String`.
struct NameTable: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<UInt8>
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    /// Each name as a key is written, `"name":`, for `matchesPattern`.
    private let patterns: UnsafeMutablePointer<UInt8>
    private let patternStarts: UnsafeMutablePointer<Int>
    /// The index of the next name in sorted (UTF-8) order, −1 after the last.
    private let successors: UnsafeMutablePointer<Int>
    /// 256 slots of index + 1 (0: empty), linear probing.
    private let slots: UnsafeMutablePointer<Int16>
    /// How many names.
    let count: Int
    /// The first name in sorted order.
    let firstGuess: Int

    init(_ names: [String]) {
        precondition(!names.isEmpty && names.count < 200)
        count = names.count
        let bytes = names.flatMap { Array($0.utf8) }
        storage = .allocate(capacity: bytes.count)
        storage.initialize(from: bytes, count: bytes.count)
        let patternBytes: [UInt8] = names.flatMap { name -> [UInt8] in [34] + Array(name.utf8) + [34, 58] }
        patterns = .allocate(capacity: patternBytes.count)
        patterns.initialize(from: patternBytes, count: patternBytes.count)
        starts = .allocate(capacity: names.count)
        lengths = .allocate(capacity: names.count)
        patternStarts = .allocate(capacity: names.count)
        successors = .allocate(capacity: names.count)
        slots = .allocate(capacity: 256)
        slots.initialize(repeating: 0, count: 256)
        var offset = 0
        for (index, name) in names.enumerated() {
            let n = name.utf8.count
            precondition(n > 0)
            starts[index] = offset
            lengths[index] = n
            patternStarts[index] = offset + 3 * index
            var slot = Self.hash(storage + offset, n)
            while slots[slot] != 0 { slot = (slot + 1) & 255 }
            slots[slot] = Int16(index + 1)
            offset += n
        }
        let order = names.indices.sorted { Array(names[$0].utf8).lexicographicallyPrecedes(Array(names[$1].utf8)) }
        for (rank, index) in order.enumerated() { successors[index] = rank + 1 < order.count ? order[rank + 1] : -1 }
        firstGuess = order[0]
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        Int(
            (UInt32(truncatingIfNeeded: n) &* 131 &+ UInt32(p[0]) &* 31 &+ UInt32(p[n - 1]) &* 7 &+ UInt32(p[n / 2]))
                & 255)
    }

    /// The index of the name in `b[r]`, or nil when it is none of them.
    @inline(__always)
    func index(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? {
        let n = r.count
        guard n > 0, let base = b.baseAddress else { return nil }
        let p = base + r.lowerBound
        var slot = Self.hash(p, n)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            let index = entry - 1
            if lengths[index] == n, sameBytes(storage + starts[index], p, n) { return index }
            slot = (slot + 1) & 255
        }
    }

    /// The length of `"name":` when the bytes at `at` (before `end`) start with it, else nil.
    @inline(__always)
    func matchesPattern(_ index: Int, _ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int) -> Int? {
        matchesPrefix(index, length: lengths[index] + 3, b, at, end)
    }

    /// The length of `"name"` when the bytes at `at` (before `end`) start with it (the string is that name),
    /// else nil.
    @inline(__always)
    func matchesValue(_ index: Int, _ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int) -> Int? {
        matchesPrefix(index, length: lengths[index] + 2, b, at, end)
    }

    /// `n` when the bytes at `at` start with the first `n` bytes of the name's pattern, else nil.
    @inline(__always)
    private func matchesPrefix(_ index: Int, length n: Int, _ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ end: Int)
        -> Int?
    {
        guard at + n <= end, let base = b.baseAddress else { return nil }
        return sameBytes(patterns + patternStarts[index], base + at, n) ? n : nil
    }

    /// The name after `index` in sorted order, −1 after the last.
    @inline(__always)
    func next(_ index: Int) -> Int { successors[index] }

    /// The names in table order (for messages and the reference path; built each time).
    var names: [String] {
        (0..<count).map {
            String(decoding: UnsafeBufferPointer(start: storage + starts[$0], count: lengths[$0]), as: UTF8.self)
        }
    }

    /// The names, for messages.
    var list: String { names.joined(separator: ", ") }
}

/// The codes of a string enum, looked up without making a `String`; indexes are the enum's declaration order
/// (its ordinal).
struct EnumBytes<E: RawRepresentable & CaseIterable>: @unchecked Sendable where E.RawValue == String, E: Sendable {
    let table: NameTable
    /// The cases in declaration order, in storage that is never released (the tables are static), so that a
    /// copy of the table retains nothing.
    private let values: UnsafeMutablePointer<E>

    init() {
        let all = Array(E.allCases)
        values = .allocate(capacity: all.count)
        values.initialize(from: all, count: all.count)
        table = NameTable(all.map(\.rawValue))
    }

    @inline(__always)
    func value(_ index: Int) -> E { values[index] }

    /// The index of the code in `b[r]`, or nil when it is not one.
    @inline(__always)
    func index(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? { table.index(b, r) }

    var names: String { table.list }
}

/// The tables the scanner reads with, built once and never released; a scanner holds a pointer to them, so
/// that the hot path reads them without a lazy-initialisation check per field.
struct ScanTables {
    /// The keys of each object of an attempt line, by the order of the `switch` that reads them.
    struct Keys {
        let attempt = NameTable(["caseId", "courseHash", "traineeId", "mode", "decisions"])
        let decision = NameTable([
            "stage", "disposition", "agency", "shownAt", "decidedAt", "clock", "flaggedIndicators", "sealFindings",
            "examinedPoints", "evidenceSteps", "markedRegions",
        ])
        let mark = NameTable(["scan", "shape"])
        let shape = NameTable([
            "type", "points", "x", "y", "width", "height", "centerX", "centerY", "radiusX", "radiusY",
        ])
        let point = NameTable(["x", "y"])
    }

    struct Codes {
        let stage = EnumBytes<Stage>()
        let disposition = EnumBytes<Disposition>()
        let agency = EnumBytes<Agency>()
        let clock = EnumBytes<ClockSource>()
        let mode = EnumBytes<AttemptMode>()
        let indicator = EnumBytes<RiskIndicator>()
        let sealFinding = EnumBytes<SealFinding>()
        let point = EnumBytes<ExaminationPoint>()
        let step = EnumBytes<EvidenceStep>()
        /// `MarkRecord.Kind` by raw value.
        let shapeKind = NameTable(["rectangle", "ellipse", "polygon", "point"])
    }

    let keys = Keys()
    let codes = Codes()

    nonisolated(unsafe) static let shared: UnsafePointer<ScanTables> = {
        let tables = UnsafeMutablePointer<ScanTables>.allocate(capacity: 1)
        tables.initialize(to: ScanTables())
        return UnsafePointer(tables)
    }()
}

/// Enumerations by ordinal, for reports.
enum Codes {}

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

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
/// The reader (`AttemptScanner`) is hand-written for speed (many times Foundation's `JSONDecoder`;
/// `cargosim bench scoring` prints both) and strict: every key must be one `Attempt` has, every code must be a
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
        var scanner = AttemptScanner(bytes)
        while try scanner.next() { body(scanner.attempt(), scanner.line) }
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

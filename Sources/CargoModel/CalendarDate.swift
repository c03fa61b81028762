/// A civil date in the proleptic Gregorian calendar, written `YYYY-MM-DD` in JSON.
///
/// Kept as days since 1970-01-01 so that arithmetic never depends on the host's time zone
/// or calendar libraries (Howard Hinnant's `days_from_civil` algorithm).
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

    public init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        daysSinceEpoch = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD`; nil when the text is not a real date.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = asciiInt(parts[0]), let m = asciiInt(parts[1]), let d = asciiInt(parts[2]), (1...12).contains(m),
            d >= 1
        else { return nil }
        let candidate = CalendarDate(year: y, month: m, day: d)
        guard candidate.components.day == d, candidate.components.month == m else { return nil }
        self = candidate
    }

    /// Year, month (1–12) and day (1–31).
    public var components: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public var description: String {
        let c = components
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "Write the date as YYYY-MM-DD (got \"\(text)\").")
            )
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A moment in UTC with millisecond precision, written `YYYY-MM-DDTHH:MM:SS.sssZ` in JSON.
public struct Instant: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public init(date: CalendarDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        millisecondsSinceEpoch =
            (Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS(.sss)Z`; nil otherwise.
    public init?(parsing text: String) {
        guard text.hasSuffix("Z"), let t = text.firstIndex(of: "T"),
            let date = CalendarDate(parsing: String(text[..<t]))
        else { return nil }
        let clock = text[text.index(after: t)..<text.index(before: text.endIndex)]
        let hms = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, hms[0].count == 2, hms[1].count == 2, let h = asciiInt(hms[0]), let m = asciiInt(hms[1]),
            (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        let secondParts = hms[2].split(separator: ".", omittingEmptySubsequences: false)
        // Leap seconds are not represented: 60 is refused so that every accepted text round-trips.
        guard let first = secondParts.first, first.count == 2, let s = asciiInt(first), (0..<60).contains(s) else {
            return nil
        }
        var millis = 0
        if secondParts.count == 2 {
            let fraction = secondParts[1]
            guard (1...3).contains(fraction.count), let f = asciiInt(fraction) else { return nil }
            millis = f * [1, 100, 10, 1][fraction.count]
        } else if secondParts.count > 2 {
            return nil
        }
        self.init(
            millisecondsSinceEpoch: Instant(date: date, hour: h, minute: m, second: s).millisecondsSinceEpoch
                + Int64(millis))
    }

    public var date: CalendarDate {
        CalendarDate(
            daysSinceEpoch: Int((millisecondsSinceEpoch - floorMod(millisecondsSinceEpoch, 86_400_000)) / 86_400_000))
    }

    public func adding(minutes: Int) -> Instant {
        Instant(millisecondsSinceEpoch: millisecondsSinceEpoch + Int64(minutes) * 60_000)
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public var description: String {
        let ms = Int(floorMod(millisecondsSinceEpoch, 86_400_000))
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        return "\(date)T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(f, 3))Z"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let instant = Instant(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "Write the time as YYYY-MM-DDTHH:MM:SS.sssZ in UTC (got \"\(text)\")."))
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The value of a run of ASCII digits; nil for anything else (signs, spaces, other scripts' digits).
func asciiInt(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    return Int(text)
}

private func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }

func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
}

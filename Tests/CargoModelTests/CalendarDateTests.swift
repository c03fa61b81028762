import CargoModel
import Foundation
import Testing

/// Gregorian leap years, written out independently of the model.
private func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

private func daysIn(_ month: Int, of year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

private let first1900 = -25_567  // 1900-01-01
private let last2100 = 47_846  // 2100-12-31

struct CalendarDateTests {
    @Test(arguments: [
        ("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-02-29", 11_016), ("2000-03-01", 11_017),
        ("2024-02-29", 19_782), ("1900-01-01", first1900), ("2100-12-31", last2100),
    ])
    func knownDatesHaveKnownDayNumbers(text: String, days: Int) throws {
        let date = try #require(CalendarDate(parsing: text))
        #expect(date.daysSinceEpoch == days)
        #expect(date.description == text)
        let parts = text.split(separator: "-").map { Int($0)! }
        #expect(CalendarDate(year: parts[0], month: parts[1], day: parts[2]) == date)
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-32", "2026-01-00",
        "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "2026-01-01T00:00:00Z", "", "2026-01", "2026-01-01-01",
        "abcd-01-01", "2026--1-01", " 2026-01-01",
    ])
    func impossibleOrMalformedDatesDoNotParse(text: String) {
        #expect(CalendarDate(parsing: text) == nil)
    }

    @Test func signedFieldsAreNotDates() {
        #expect(CalendarDate(parsing: "2024-+1-01") == nil)
        #expect(CalendarDate(parsing: "+999-01-01") == nil)
    }

    @Test func descriptionAndParsingRoundTripOverRandomDays() throws {
        var generator = Xorshift64Star(seed: 19_700_101)
        for _ in 0..<5_000 {
            let date = CalendarDate(daysSinceEpoch: Int.random(in: first1900...last2100, using: &generator))
            let text = date.description
            #expect(text.count == 10 && text.split(separator: "-").map(\.count) == [4, 2, 2], "\(text)")
            #expect(CalendarDate(parsing: text) == date, "\(text)")
            let c = date.components
            #expect(CalendarDate(year: c.year, month: c.month, day: c.day) == date)
            #expect((1900...2100).contains(c.year))
        }
    }

    /// Walks every day of 1900–2100 and checks each step against the calendar rules above.
    @Test func consecutiveDaysFollowTheGregorianCalendar() {
        var previous = CalendarDate(daysSinceEpoch: first1900).components
        #expect(previous == (1900, 1, 1))
        var mismatches = 0
        for days in (first1900 + 1)...last2100 {
            let c = CalendarDate(daysSinceEpoch: days).components
            let expected: (Int, Int, Int) =
                previous.day < daysIn(previous.month, of: previous.year)
                ? (previous.year, previous.month, previous.day + 1)
                : previous.month < 12
                    ? (previous.year, previous.month + 1, 1)
                    : (previous.year + 1, 1, 1)
            if c != expected { mismatches += 1 }
            previous = c
        }
        #expect(mismatches == 0)
        #expect(previous == (2100, 12, 31))
    }

    @Test(arguments: [
        ("2023-12-31", 1, "2024-01-01"), ("2024-02-28", 1, "2024-02-29"), ("2023-02-28", 1, "2023-03-01"),
        ("2024-03-01", -1, "2024-02-29"), ("2024-01-31", 30, "2024-03-01"), ("2023-01-01", 365, "2024-01-01"),
        ("2024-01-01", 366, "2025-01-01"), ("2000-01-01", -1, "1999-12-31"), ("2026-04-30", 1, "2026-05-01"),
        ("1970-01-01", -365, "1969-01-01"),
    ])
    func addingDaysCrossesMonthAndYearEnds(start: String, days: Int, expected: String) throws {
        let date = try #require(CalendarDate(parsing: start))
        #expect(date.adding(days: days).description == expected)
        #expect(date.adding(days: days).adding(days: -days) == date)
    }

    @Test func orderingFollowsTheCalendar() throws {
        let texts = ["1969-12-31", "1970-01-01", "1999-12-31", "2000-01-01", "2024-02-29", "2024-03-01", "2100-01-01"]
        let dates = try texts.map { try #require(CalendarDate(parsing: $0)) }
        #expect(dates.shuffled().sorted() == dates)
        for (earlier, later) in zip(dates, dates.dropFirst()) {
            #expect(earlier < later)
            #expect(!(later < earlier))
        }
    }

    @Test func codableWritesTheISODateAndRejectsImpossibleDates() throws {
        let date = try #require(CalendarDate(parsing: "2024-02-29"))
        let data = try JSONEncoder().encode([date])
        #expect(String(decoding: data, as: UTF8.self) == #"["2024-02-29"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [date])

        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2023-02-29"]"#.utf8))
        }
        #expect(error.flatMap(decodingMessage)?.contains("YYYY-MM-DD") == true)
    }
}

struct InstantTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0 as Int64), ("1970-01-01T00:00:00.001Z", 1), ("1969-12-31T23:59:59.999Z", -1),
        ("2024-03-10T14:05:09Z", 1_710_079_509_000), ("2024-03-10T14:05:09.250Z", 1_710_079_509_250),
        ("2024-03-10T14:05:09.25Z", 1_710_079_509_250), ("2024-03-10T14:05:09.5Z", 1_710_079_509_500),
        ("2024-03-10T14:05:09.05Z", 1_710_079_509_050), ("1999-12-31T23:59:59Z", 946_684_799_000),
    ])
    func parsingWithAndWithoutMilliseconds(text: String, milliseconds: Int64) throws {
        let instant = try #require(Instant(parsing: text))
        #expect(instant.millisecondsSinceEpoch == milliseconds)
        #expect(Instant(parsing: instant.description) == instant)
    }

    @Test func descriptionAlwaysCarriesMilliseconds() throws {
        #expect(try #require(Instant(parsing: "2024-03-10T14:05:09Z")).description == "2024-03-10T14:05:09.000Z")
        #expect(Instant(millisecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999Z")
    }

    @Test(arguments: [
        "2024-03-10T14:05:09", "2024-03-10T14:05:09.000", "2024-03-10T14:05:09z", "2024-03-10T14:05:09+01:00",
        "2024-03-10T24:00:00Z", "2024-03-10T23:59:60Z", "2024-03-10T10:05:38.46:Z", "2024-03-10T10::05:38Z",
        "2024-03-10T25:05:09Z", "2024-03-10T-1:05:09Z", "2024-03-10T14:60:09Z",
        "2024-03-10T14:05:61Z", "2024-03-10T4:05:09Z", "2024-03-10T14:05Z", "2024-03-10 14:05:09Z",
        "2024-03-10T14:05:09.1234Z", "2024-03-10T14:05:09.Z", "2024-03-10T14:05:09.1.2Z", "2024-02-30T00:00:00Z",
        "T14:05:09Z", "", "Z",
    ])
    func malformedInstantsDoNotParse(text: String) {
        #expect(Instant(parsing: text) == nil)
    }

    @Test func signedClockFieldsAreNotTimes() {
        #expect(Instant(parsing: "2024-01-01T+1:00:00Z") == nil)
        // Today this parses as 2023-12-31T23:59:59.990Z.
        #expect(Instant(parsing: "2024-01-01T00:00:00.-1Z") == nil)
    }

    @Test func descriptionAndParsingRoundTripOverRandomInstants() {
        var generator = Xorshift64Star(seed: 86_400_000)
        let range = Int64(first1900) * 86_400_000...Int64(last2100 + 1) * 86_400_000 - 1
        for _ in 0..<5_000 {
            let instant = Instant(millisecondsSinceEpoch: Int64.random(in: range, using: &generator))
            #expect(Instant(parsing: instant.description) == instant, "\(instant)")
            #expect(
                instant.date.daysSinceEpoch == Int((Double(instant.millisecondsSinceEpoch) / 86_400_000).rounded(.down))
            )
            #expect(instant.description.hasPrefix(instant.date.description + "T"))
        }
    }

    @Test func orderingAgreesWithTheWrittenForm() {
        var generator = Xorshift64Star(seed: 42)
        for _ in 0..<2_000 {
            let a = Instant(
                millisecondsSinceEpoch: Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator))
            let b = Instant(
                millisecondsSinceEpoch: Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &generator))
            #expect((a < b) == (a.description < b.description))
            #expect((a < b) == (a.millisecondsSinceEpoch < b.millisecondsSinceEpoch))
        }
    }

    @Test(arguments: [
        ("2023-12-31T23:59:00Z", 1, "2024-01-01T00:00:00.000Z"),
        ("2024-02-28T23:30:00Z", 60, "2024-02-29T00:30:00.000Z"),
        ("2023-02-28T23:30:00Z", 60, "2023-03-01T00:30:00.000Z"),
        ("2024-03-01T00:10:00.250Z", -20, "2024-02-29T23:50:00.250Z"),
        ("2024-01-31T12:00:00Z", 1_440, "2024-02-01T12:00:00.000Z"),
        ("2024-12-31T00:00:00Z", 366 * 1_440, "2026-01-01T00:00:00.000Z"),
        ("1970-01-01T00:00:00Z", -1, "1969-12-31T23:59:00.000Z"),
    ])
    func addingMinutesCrossesDayMonthAndYearEnds(start: String, minutes: Int, expected: String) throws {
        let instant = try #require(Instant(parsing: start))
        #expect(instant.adding(minutes: minutes).description == expected)
    }

    @Test func buildingFromADateAndClockKeepsTheDate() throws {
        let date = try #require(CalendarDate(parsing: "1969-12-31"))
        let instant = Instant(date: date, hour: 23, minute: 59, second: 59)
        #expect(instant.date == date)
        #expect(instant.description == "1969-12-31T23:59:59.000Z")
    }

    @Test func codableWritesTheISOInstantAndRejectsAMissingZ() throws {
        let instant = try #require(Instant(parsing: "2026-11-29T07:45:00Z"))
        let data = try JSONEncoder().encode([instant])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-11-29T07:45:00.000Z"]"#)
        #expect(try JSONDecoder().decode([Instant].self, from: data) == [instant])

        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Instant].self, from: Data(#"["2026-11-29T07:45:00"]"#.utf8))
        }
        #expect(error.flatMap(decodingMessage)?.contains("UTC") == true)
    }
}

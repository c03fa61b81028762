import CargoModel
import Testing

struct ValidationErrorTests {
    private let error = ValidationError(
        code: "goods.hsCode", field: "hsCode", value: "0803", message: "Give six digits.")

    @Test(arguments: [
        ("hsCode", "goods[1]", "goods[1].hsCode"),
        ("[2]", "sealNumbers", "sealNumbers[2]"),
        ("", "goods[0]", "goods[0]"),
        ("hsCode", "", "hsCode"),
        ("goods[1].hsCode", "targeting.billOfLading", "targeting.billOfLading.goods[1].hsCode"),
    ])
    func nestingJoinsFieldPathsWithDotsExceptBeforeAnIndex(field: String, parent: String, expected: String) {
        var inner = error
        inner.field = field
        let nested = inner.nested(under: parent)
        #expect(nested.field == expected)
        #expect(nested.code == inner.code && nested.value == inner.value && nested.message == inner.message)
    }

    @Test func descriptionShowsFieldMessageAndValue() {
        #expect(error.description == #"hsCode: Give six digits. (value: "0803")"#)
    }

    @Test func aReportIsValidUntilACheckFails() {
        var report = ValidationReport()
        #expect(report.isValid)
        report.check(true, code: "x", field: "a", value: "1", "never")
        #expect(report.isValid)
        report.check(false, code: "y", field: "b", value: "2", "fix b")
        #expect(!report.isValid)
        #expect(report.errors == [ValidationError(code: "y", field: "b", value: "2", message: "fix b")])
    }

    @Test func checkDoesNotBuildTheMessageWhenTheConditionHolds() {
        var report = ValidationReport()
        var built = 0
        func message() -> String { built += 1; return "m" }
        report.check(true, code: "x", field: "a", value: "1", message())
        #expect(built == 0)
        report.check(false, code: "x", field: "a", value: "1", message())
        #expect(built == 1)
    }
}

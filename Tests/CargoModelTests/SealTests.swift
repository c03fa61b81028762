import CargoModel
import Foundation
import Testing

struct SealTests {
    private func seal(_ number: String, _ securityClass: SealClass = .highSecurity, _ kind: SealKind = .bolt) -> Seal {
        Seal(number: number, securityClass: securityClass, kind: kind, maker: "TYDEN")
    }

    @Test(arguments: ["1234", "ABCD", "EU1234567", "H1234567890ABCD", "000000000000000"])
    func wellFormedNumbersPass(number: String) {
        #expect(Seal.isValidNumber(number))
        #expect(seal(number).validate().isValid)
    }

    @Test(arguments: [
        "abc1234", "Eu1234567", "EU 1234567", "EU-1234567", "EU_1234567", "EU.1234", "ÄB12345", "ÉCOLE12", "ŁÓDŹ1234",
        "ＡB12345", "AB١٢٣٤", "EU1234\n", "123", "ABC", "", "1234567890123456", "H1234567890ABCDE",
    ])
    func illegalNumbersAreRejectedWithSealNumber(number: String) throws {
        #expect(!Seal.isValidNumber(number))
        let errors = seal(number).validate().errors
        let error = try #require(errors.first { $0.code == "seal.number" })
        #expect(errors.count == 1)
        #expect(error.field == "number")
        #expect(error.value == number)
        #expect(error.message.contains("4 to 15 capital letters"))
    }

    @Test(arguments: SealClass.allCases, SealKind.allCases)
    func anIndicativeStripSealCanOnlyBeClassI(securityClass: SealClass, kind: SealKind) {
        let errors = seal("EU1234567", securityClass, kind).validate().errors
        let allowed = kind != .indicative || securityClass == .indicative
        #expect(errors.allSatisfy { $0.code == "seal.class" })
        #expect(errors.isEmpty == allowed)
        // One rule, one error: an indicative strip seal in any class but I.
        if kind == .indicative && securityClass != .indicative {
            #expect(errors.count == 1)
            #expect(errors.contains { $0.field == "securityClass" && $0.value == securityClass.rawValue })
        }
    }

    @Test func classesUseTheISO17712Letters() throws {
        #expect(SealClass.allCases.map(\.rawValue) == ["I", "S", "H"])
        let data = try JSONEncoder().encode(seal("EU1234567", .security, .cable))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["securityClass"] as? String == "S")
        #expect(object["kind"] as? String == "cable")
        #expect(try JSONDecoder().decode(Seal.self, from: data) == seal("EU1234567", .security, .cable))
    }

    @Test(arguments: [false, true], [false, true])
    func vvttPassesOnlyWhenAllFourChecksPass(view: Bool, verify: Bool) {
        for tug in [false, true] {
            for twist in [false, true] {
                let check = VVTTCheck(view: view, verify: verify, tug: tug, twist: twist)
                #expect(check.allPassed == (view && verify && tug && twist))
            }
        }
    }

    @Test func thePassedCheckPassesEveryStep() {
        #expect(VVTTCheck.passed == VVTTCheck(view: true, verify: true, tug: true, twist: true))
        #expect(VVTTCheck.passed.allPassed)
    }

    @Test func sealLogEntriesRoundTripWithAndWithoutACheck() throws {
        let log = Fixtures.sealLog()
        #expect(log.contains { $0.check == nil } && log.contains { $0.check != nil })
        let data = try JSONEncoder().encode(log)
        #expect(try JSONDecoder().decode([SealLogEntry].self, from: data) == log)
    }
}

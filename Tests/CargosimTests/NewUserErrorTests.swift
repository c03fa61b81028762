import CaseBundle
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a new user trips over on the command line: every error names the file and says what to do, in
/// words, never a Foundation error domain; nothing is left behind.
@Suite("Errors a new user meets")
struct NewUserErrorTests {
    static func noRawErrors(_ result: CommandResult) {
        for raw in ["NSCocoaErrorDomain", "NSPOSIXErrorDomain", "The operation could not be completed", "errno"] {
            #expect(!result.stderr.contains(raw), "\(raw) in\n\(result)")
        }
    }

    @Test func aMissingCourseOrFileIsNamedInWords() throws {
        try Sandbox.with { box in
            let validate = try box.cargosim("validate", "nope-course")
            #expect(!validate.succeeded && validate.stderr.contains("nope-course: error: No such file or folder"))
            #expect(!validate.stderr.contains("of 0"), "\(validate)")
            let keys = try box.cargosim("keys", "init", "--out", "k")
            try #require(keys.succeeded)
            let verify = try box.cargosim("certificate", "verify", "T002.cert", "--public-key", "k/cargosim-signing.pub")
            #expect(!verify.succeeded && verify.stderr.contains("T002.cert: error: Cannot read this file"), "\(verify)")
            Self.noRawErrors(verify)
            let missingKey = try box.cargosim("certificate", "verify", "T002.cert", "--public-key", "nope.pub")
            #expect(missingKey.stderr.contains("nope.pub: error"), "\(missingKey)")
            Self.noRawErrors(missingKey)
        }
    }

    @Test func anOutputThatCannotBeWrittenIsNamedInWords() throws {
        try Sandbox.with { box in
            let made = try box.cargosim("generate", "--seed", "5", "--count", "1", "--out", "c", "--no-scans")
            try #require(made.succeeded)
            // A file stands where the output folder would go.
            try box.write("x", to: "blocked")
            let review = try box.cargosim("review-pack", "c", "--keys", "c/keys", "--out", "blocked/review")
            #expect(!review.succeeded && review.stderr.contains("blocked/review"), "\(review)")
            #expect(review.stderr.contains("Cannot write here"), "\(review)")
            Self.noRawErrors(review)
        }
    }

    @Test func serveOnAPortInUseSaysSoAndCreatesNoDatabase() throws {
        try Sandbox.with { box in
            // Hold a port.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            _ = listen(fd, 1)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            let port = Int(UInt16(bigEndian: address.sin_port))
            let result = try box.cargosim("serve", "--port", "\(port)", "--db", "new.sqlite")
            #expect(!result.succeeded && result.stderr.contains("Port \(port) is in use"), "\(result)")
            Self.noRawErrors(result)
            #expect(!box.entries().contains { $0.hasPrefix("new.sqlite") }, "no database left behind: \(box.entries())")
        }
    }

    @Test func aContactSheetOfADamagedCourseNamesTheMissingScan() throws {
        try Sandbox.with { box in
            let spec = try box.write("scenario: withinLoad\ncontainerType: 22G1\n", to: "spec.yaml")
            let made = try box.cargosim("generate", "--seed", "5", "--count", "2", "--spec", spec.path, "--out", "c")
            try #require(made.succeeded, "\(made)")
            let id = try CourseReader(courseDirectory: box.path("c")).caseIds[1]
            #expect(try box.cargosim("contact-sheet", "c", "--out", "sheet.png").succeeded)
            try FileManager.default.removeItem(at: box.path("c/stages/screening/\(id)/scan.png"))
            let damaged = try box.cargosim("contact-sheet", "c", "--out", "sheet2.png")
            #expect(!damaged.succeeded && damaged.stderr.contains("stages/screening/\(id)/scan.png"), "\(damaged)")
            #expect(!box.entries().contains("sheet2.png"))
        }
    }

    @Test func showPrintsTimesAsPeopleReadThem() throws {
        try Sandbox.with { box in
            let made = try box.cargosim("generate", "--seed", "5", "--count", "1", "--out", "c", "--no-scans")
            try #require(made.succeeded)
            let id = try CourseReader(courseDirectory: box.path("c")).caseIds[0]
            let shown = try box.cargosim("show", "c/cases/\(id)", "--keys", "c/keys")
            #expect(shown.succeeded)
            #expect(!shown.stdout.contains(".000Z"), "raw ISO instants\n\(shown.stdout)")
            #expect(shown.stdout.contains(" UTC"))
            #expect(!shown.stdout.contains("Best Release") && shown.stdout.contains("Best: "))
        }
    }
}

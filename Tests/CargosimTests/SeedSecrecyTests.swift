import CaseBundle
import CaseGeneration
import Foundation
import Testing

/// The attacker's view: a trainee holds the trainee pack (and sees the same ids on the server) and the
/// public tool, and tries to get the course seed, from which `generate --seed` would give every key.
@Suite("The course seed cannot be recovered from what a trainee sees")
struct SeedSecrecyTests {
    // MARK: The inversion that worked until generator 1.6

    /// Generator 1.6's derivations, copied here so that the attack can be shown to work on them.
    enum Legacy {
        static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15
        static let c1: UInt64 = 0xBF58_476D_1CE4_E5B9
        static let c2: UInt64 = 0x94D0_49BB_1331_11EB
        static let k: UInt64 = 0xD6E8_FEB8_6659_FD93

        static func finalize(_ x: UInt64) -> UInt64 {
            var z = x
            z = (z ^ (z >> 30)) &* c1
            z = (z ^ (z >> 27)) &* c2
            return z ^ (z >> 31)
        }

        static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 { finalize((a ^ (b &* k)) &+ golden) }

        static func format(_ value: UInt64, first: Character) -> String {
            let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
            var v = value
            var characters: [Character] = []
            for _ in 0..<10 {
                characters.append(alphabet[Int(v & 31)])
                v >>= 5
            }
            return String(first) + String(characters.prefix(5)) + "-" + String(characters.suffix(5))
        }

        static func courseId(seed: UInt64) -> String {
            format(mix(mix(seed, 0xC0_FFEE), 0xCA5E_1D00), first: "K")
        }

        static func firstCaseId(seed: UInt64) -> String {
            format(mix(mix(seed, 0x5EED), 0xCA5E_1D00), first: "C")
        }
    }

    /// The 50 bits an id shows (ten base-32 characters, lowest bits first); nil when it is not an id.
    static func bits(of id: String) -> UInt64? {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        let characters = Array(id.dropFirst()).filter { $0 != "-" }
        guard characters.count == 10 else { return nil }
        var value: UInt64 = 0
        for (i, character) in characters.enumerated() {
            guard let digit = alphabet.firstIndex(of: character) else { return nil }
            value |= UInt64(digit) << (5 * UInt64(i))
        }
        return value
    }

    static func inverse(ofOdd c: UInt64) -> UInt64 {
        var x = c
        for _ in 0..<6 { x = x &* (2 &- c &* x) }
        return x
    }

    static func unfinalize(_ z: UInt64) -> UInt64 {
        var x = z ^ (z >> 31) ^ (z >> 62)
        x = x &* inverse(ofOdd: Legacy.c2)
        x = x ^ (x >> 27) ^ (x >> 54)
        x = x &* inverse(ofOdd: Legacy.c1)
        return x ^ (x >> 30) ^ (x >> 60)
    }

    /// The attack: the course id shows 50 bits of two SplitMix steps of the seed; try the 2^14 missing bits,
    /// undo both steps, and keep the seeds whose first case id matches the one shown.
    static func recoverSeeds(courseId: String, firstCaseId: String) -> [UInt64] {
        guard let shown = bits(of: courseId) else { return [] }
        var found: [UInt64] = []
        for high in UInt64(0)..<(1 << 14) {
            let x = shown | high << 50
            let y = (unfinalize(x) &- Legacy.golden) ^ (0xCA5E_1D00 &* Legacy.k)
            let seed = (unfinalize(y) &- Legacy.golden) ^ (0xC0_FFEE &* Legacy.k)
            if Legacy.firstCaseId(seed: seed) == firstCaseId { found.append(seed) }
        }
        return found
    }

    @Test func theInversionRecoversAGenerator16SeedExactly() {
        // The control: the attack works on the old derivation (for a short seed and a full 64-bit one).
        for seed: UInt64 in [42, 0xDEAD_BEEF_1234_5678] {
            #expect(
                Self.recoverSeeds(courseId: Legacy.courseId(seed: seed), firstCaseId: Legacy.firstCaseId(seed: seed))
                    == [seed])
        }
    }

    @Test func theSameInversionFindsNothingInACourseOfToday() throws {
        try Sandbox.with { box in
            let result = try box.cargosim("generate", "--count", "3", "--out", "course", "--no-scans")
            try #require(result.succeeded, "\(result)")
            let index = try CanonicalJSON.decode(
                CourseIndex.self, from: Data(contentsOf: box.path("course/course.json")), file: "course.json")
            #expect(Self.recoverSeeds(courseId: index.courseId, firstCaseId: index.caseIds[0]).isEmpty)
            // Nor do the ids match any short seed an attacker would try first.
            for n in UInt64(0)..<2_000 {
                #expect(CourseSeed(demonstration: n).courseId != index.courseId)
            }
        }
    }

    // MARK: The seed is a 256-bit secret kept in the grader pack only

    @Test func withoutSeedASecretSeedIsDrawnKeptInTheGraderPackAndNeverPrinted() throws {
        try Sandbox.with { box in
            let result = try box.cargosim("generate", "--count", "3", "--out", "course")
            try #require(result.succeeded, "\(result)")
            let record = try CanonicalJSON.decode(
                CourseSeedRecord.self, from: Data(contentsOf: box.path("course/keys/course-seed.json")),
                file: "course-seed.json")
            let seed = try #require(CourseSeed(text: record.courseSeed))
            #expect(record.courseSeed.count == 64 && !seed.isGuessable)
            #expect(seed.courseId == record.courseId)
            #expect(!result.stdout.contains(record.courseSeed) && !result.stderr.contains(record.courseSeed))
            #expect(result.stdout.contains("keys/course-seed.json"), "the summary says where the seed is kept")

            // No trainee-visible byte carries the seed, a case's seed or a scan's noise seed, in any form.
            let index = try CanonicalJSON.decode(
                CourseIndex.self, from: Data(contentsOf: box.path("course/course.json")), file: "course.json")
            var secrets: [String: [UInt8]] = [
                "seed (hex)": Array(record.courseSeed.utf8), "seed (HEX)": Array(record.courseSeed.uppercased().utf8),
                "seed (bytes)": seed.bytes,
            ]
            for id in index.caseIds {
                let key = try CourseReader(courseDirectory: box.path("course")).readKey(id)
                let caseSeed = try #require(UInt64(key.seed))
                secrets["\(id) seed"] = Array(key.seed.utf8)
                secrets["\(id) seed (hex)"] = Array(String(caseSeed, radix: 16).utf8)
                secrets["\(id) seed (bytes, big-endian)"] = withUnsafeBytes(of: caseSeed.bigEndian) { Array($0) }
                secrets["\(id) seed (bytes, little-endian)"] = withUnsafeBytes(of: caseSeed.littleEndian) { Array($0) }
                for scan in key.scans { secrets["\(id) noise seed of \(scan.file)"] = Array(scan.noiseSeed.utf8) }
            }
            var trainee = try fileTree(box.path("course")).filter { !$0.key.hasPrefix("keys/") }
            trainee["stdout"] = Data(result.stdout.utf8)
            #expect(trainee.keys.contains { $0.hasSuffix(".png") }, "the scans are part of the walk")
            for (file, bytes) in trainee {
                let haystack = Array(bytes)
                for (name, needle) in secrets where needle.count >= 6 {
                    #expect(!contains(haystack, needle), "\(name) found in \(file)")
                }
            }

            // Given back, the seed reproduces the course byte for byte, with a warning.
            let again = try box.cargosim("generate", "--count", "3", "--out", "again", "--seed", record.courseSeed)
            try #require(again.succeeded, "\(again)")
            #expect(again.stderr.contains("Whoever knows this seed"), "\(again)")
            #expect(try fileTree(box.path("course")) == fileTree(box.path("again")))
        }
    }

    @Test func aShortSeedIsRefusedNothingButWarnedAsGuessable() throws {
        try Sandbox.with { box in
            let result = try box.cargosim("generate", "--seed", "7", "--count", "1", "--out", "course", "--no-scans")
            #expect(result.succeeded, "\(result)")
            #expect(result.stderr.contains("can be guessed"), "\(result)")
            let empty = try box.cargosim("generate", "--seed", "", "--count", "1", "--out", "other", "--no-scans")
            #expect(!empty.succeeded && empty.stderr.contains("--seed"), "\(empty)")
        }
    }
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= haystack.count, let first = needle.first else { return false }
    var i = 0
    let last = haystack.count - needle.count
    while i <= last {
        if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        i += 1
    }
    return false
}

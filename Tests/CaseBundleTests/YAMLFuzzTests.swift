import CaseGeneration
import Foundation
import Testing

@testable import CaseBundle

/// xorshift64*: small, fast, and the same on every platform and toolchain (unlike the standard library's).
struct XorShift64Star: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// A number in `0..<bound` (bound > 0); the modulo bias is irrelevant for fuzzing.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Characters that matter to YAML, so that mutations hit the parser's interesting paths.
private let yamlBytes = Array(":-[]{},&*!|>'\"#\n \t?%@`~0123456789.eE+abcxyz".utf8)

private func mutate(_ input: [UInt8], using random: inout XorShift64Star) -> [UInt8] {
    var bytes = input
    for _ in 0..<(1 + random.below(4)) {
        let position = bytes.isEmpty ? 0 : random.below(bytes.count)
        switch random.below(8) {
        case 0:  // delete a few bytes
            let length = min(1 + random.below(5), bytes.count - position)
            if length > 0 { bytes.removeSubrange(position..<(position + length)) }
        case 1:  // insert YAML-significant characters
            for _ in 0..<(1 + random.below(3)) { bytes.insert(yamlBytes[random.below(yamlBytes.count)], at: position) }
        case 2:  // insert any byte, including invalid UTF-8 and NUL
            bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
        case 3:  // replace a byte
            if !bytes.isEmpty { bytes[position] = yamlBytes[random.below(yamlBytes.count)] }
        case 4:  // truncate
            bytes.removeSubrange(position...)
        default:  // duplicate, swap or re-indent lines
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            guard !lines.isEmpty else { break }
            let a = random.below(lines.count), b = random.below(lines.count)
            switch random.below(3) {
            case 0: lines.insert(lines[a], at: b)
            case 1: lines.swapAt(a, b)
            default: lines[a] = Array(repeating: UInt8(ascii: " "), count: random.below(7)) + lines[a].drop { $0 == 32 }
            }
            bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        }
    }
    return bytes
}

/// Reads `bytes` as the reader reads a file's bytes, and checks the outcome: a document or errors, each
/// with a position and a message.
private func readAndCheck(_ bytes: [UInt8], reader: YAMLSpecReader, iteration: Int) -> Bool {
    let text: String
    switch YAMLSourceText.decodeUTF8(Data(bytes), file: "fuzz.yaml") {
    case .success(let decoded): text = decoded
    case .failure(let error):
        #expect((error.line ?? 0) >= 1 && (error.column ?? 0) >= 1, "iteration \(iteration): \(error)")
        return false
    }
    do {
        _ = try reader.read(yaml: text, file: "fuzz.yaml", catalog: CatalogFixture.catalog)
        return true
    } catch let errors as BundleErrors {
        #expect(!errors.errors.isEmpty, "iteration \(iteration)")
        for error in errors.errors {
            #expect((error.line ?? 0) >= 1, "iteration \(iteration): \(error.code) without a line\n\(text)")
            #expect((error.column ?? 0) >= 1, "iteration \(iteration): \(error.code) without a column")
            #expect(!error.message.isEmpty)
            _ = error.description  // rendering must not trap either
        }
        return false
    } catch {
        Issue.record("iteration \(iteration): unexpected error type \(type(of: error)): \(error)")
        return false
    }
}

@Suite struct YAMLFuzzTests {
    @Test func mutatedSpecsAndMixesNeverCrashAndEveryErrorHasALine() {
        var random = XorShift64Star(seed: 0x00C4_2605_1AB5_EED5)
        let reader = YAMLSpecReader()
        let seeds = [Array(YAMLFixture.spec.utf8), Array(YAMLFixture.mix.utf8)]
        var succeeded = 0, failed = 0
        for iteration in 0..<2_000 {
            let bytes = mutate(seeds[iteration % seeds.count], using: &random)
            if readAndCheck(bytes, reader: reader, iteration: iteration) { succeeded += 1 } else { failed += 1 }
        }
        // Both outcomes occur, so the loop exercises the error paths and the happy path.
        #expect(succeeded > 20)
        #expect(failed > 1_000)
    }

    @Test func binaryGarbageNeverCrashes() {
        var random = XorShift64Star(seed: 42)
        let reader = YAMLSpecReader()
        for iteration in 0..<300 {
            let bytes = (0..<random.below(400)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = readAndCheck(bytes, reader: reader, iteration: iteration)
        }
    }

    @Test func theGeneratorIsDeterministic() {
        var a = XorShift64Star(seed: 7), b = XorShift64Star(seed: 7)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(Set(first).count == 5)
    }
}

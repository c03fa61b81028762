import CargoModel
import Foundation
import Testing

/// xorshift64* (Vigna 2016): tiny, fast and good enough to drive tests reproducibly.
struct Xorshift64Star: RandomNumberGenerator {
    private var state: UInt64

    /// A zero seed would stick at zero, so it is replaced by a fixed odd constant.
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

/// Byte-level mutations of a JSON document.
private enum Mutation: CaseIterable {
    case flip, delete, insert, truncate

    /// Bytes that change JSON structure, so that inserts hit the parser as well as the values.
    static let structural = Array(#"{}[],:"\-+.0123456789eEtfn "#.utf8)

    func apply(to bytes: inout [UInt8], using generator: inout Xorshift64Star) {
        guard !bytes.isEmpty else { return }
        let index = Int.random(in: 0..<bytes.count, using: &generator)
        switch self {
        case .flip:
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
        case .delete:
            bytes.remove(at: index)
        case .insert:
            let byte =
                Bool.random(using: &generator)
                ? Mutation.structural.randomElement(using: &generator)!
                : UInt8.random(in: 0...255, using: &generator)
            bytes.insert(byte, at: index)
        case .truncate:
            bytes.removeSubrange(index...)
        }
    }
}

private struct FuzzOutcome {
    var decoded = 0
    var rejected = 0
    var notReEncoded: [String] = []
    var changedOnRoundTrip: [String] = []
}

/// Mutates `original`'s JSON `iterations` times; every decode must either throw or give a value
/// that encodes again and decodes to itself.
private func fuzz<T: Codable & Equatable>(_ original: T, seed: UInt64, iterations: Int) throws -> FuzzOutcome {
    let source = Array(try JSONEncoder().encode(original))
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()
    var generator = Xorshift64Star(seed: seed)
    var outcome = FuzzOutcome()
    for _ in 0..<iterations {
        var bytes = source
        for _ in 0..<Int.random(in: 1...2, using: &generator) {
            // Truncation is drawn less often: it nearly always just ends the document early.
            let mutation: Mutation =
                Int.random(in: 0..<10, using: &generator) == 0
                ? .truncate : [.flip, .delete, .insert].randomElement(using: &generator)!
            mutation.apply(to: &bytes, using: &generator)
        }
        guard let value = try? decoder.decode(T.self, from: Data(bytes)) else {
            outcome.rejected += 1
            continue
        }
        outcome.decoded += 1
        let text = String(decoding: bytes, as: UTF8.self)
        guard let again = try? encoder.encode(value) else {
            outcome.notReEncoded.append(text)
            continue
        }
        if (try? decoder.decode(T.self, from: again)) != value { outcome.changedOnRoundTrip.append(text) }
    }
    return outcome
}

struct CodableFuzzTests {
    @Test func theGeneratorIsReproducibleForASeed() {
        var a = Xorshift64Star(seed: 6_346)
        var b = Xorshift64Star(seed: 6_346)
        var c = Xorshift64Star(seed: 6_347)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
        #expect(Set(first).count == 100)
        var zero = Xorshift64Star(seed: 0)
        #expect(zero.next() != 0)
    }

    @Test func mutatedAttemptsDecodeOrFailCleanly() throws {
        let outcome = try fuzz(Fixtures.attempt(), seed: 0xC0FF_EE00_0000_0001, iterations: 3_000)
        #expect(outcome.notReEncoded.isEmpty, "\(outcome.notReEncoded.prefix(3))")
        #expect(outcome.changedOnRoundTrip.isEmpty, "\(outcome.changedOnRoundTrip.prefix(3))")
        // Both paths must be exercised, or the loop proves nothing.
        #expect(outcome.decoded > 30)
        #expect(outcome.rejected > 100)
    }

    @Test func mutatedCasesDecodeOrFailCleanly() throws {
        let outcome = try fuzz(Fixtures.inspectionCase(), seed: 0xCA5E_0000_0000_0002, iterations: 3_000)
        #expect(outcome.notReEncoded.isEmpty, "\(outcome.notReEncoded.prefix(3))")
        #expect(outcome.changedOnRoundTrip.isEmpty, "\(outcome.changedOnRoundTrip.prefix(3))")
        #expect(outcome.decoded > 30)
        #expect(outcome.rejected > 100)
    }

    @Test func mutatedAnswerKeysDecodeOrFailCleanly() throws {
        let outcome = try fuzz(Fixtures.answerKey(), seed: 0x4B45_5900_0000_0003, iterations: 3_000)
        #expect(outcome.notReEncoded.isEmpty, "\(outcome.notReEncoded.prefix(3))")
        #expect(outcome.changedOnRoundTrip.isEmpty, "\(outcome.changedOnRoundTrip.prefix(3))")
        #expect(outcome.decoded > 30)
        #expect(outcome.rejected > 100)
    }

    @Test(arguments: [#"1e999"#, #"-1e999"#, #"1e-999"#, #"123456789012345678901234567890"#])
    func extremeNumbersInAShapeNeverDecodeToSomethingUnencodable(number: String) throws {
        let json = #"{"type":"point","x":\#(number),"y":0}"#
        guard let shape = try? JSONDecoder().decode(RegionShape.self, from: Data(json.utf8)) else { return }
        let again = try JSONEncoder().encode(shape)
        #expect(try JSONDecoder().decode(RegionShape.self, from: again) == shape)
    }
}

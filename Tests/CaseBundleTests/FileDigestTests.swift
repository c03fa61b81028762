import CaseBundle
import Testing

@Suite("FileDigest: SHA-256 (FIPS 180-4) through swift-crypto")
struct FileDigestTests {
    @Test(
        "matches the FIPS 180-4 / NIST example vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ])
    func nistVectors(message: String, expected: String) {
        #expect(FileDigest.hex(Array(message.utf8)) == expected)
    }

    @Test("hashes one million 'a' to the NIST digest")
    func oneMillionA() {
        var hasher = FileDigest()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(
        "pads correctly at every length around the block boundary",
        arguments: [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"),
            (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
            (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
            (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
            (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
        ])
    func blockBoundaries(length: Int, expected: String) {
        #expect(FileDigest.hex([UInt8](repeating: UInt8(ascii: "a"), count: length)) == expected)
    }

    @Test("gives the same digest however the message is split into updates (seeded)")
    func incrementalEqualsOneShot() {
        let message = (0..<4).flatMap { _ in (0...255).map { UInt8($0) } }
        let expected = "785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9"
        #expect(FileDigest.hex(message) == expected)
        var random = SplitMix64(seed: 6346)
        for _ in 0..<200 {
            var hasher = FileDigest()
            var offset = 0
            while offset < message.count {
                let take = min(Int(random.next() % 130), message.count - offset)
                hasher.update(message[offset..<(offset + take)])
                offset += take
            }
            #expect(hasher.finalizeHex() == expected)
        }
    }

    @Test("finalize leaves the hasher usable for a longer message")
    func finalizeIsNonDestructive() {
        var hasher = FileDigest()
        hasher.update(Array("ab".utf8))
        #expect(hasher.finalizeHex() == FileDigest.hex(Array("ab".utf8)))
        hasher.update(Array("c".utf8))
        #expect(hasher.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

/// A small seeded generator for test loops (SplitMix64, Steele et al. 2014).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

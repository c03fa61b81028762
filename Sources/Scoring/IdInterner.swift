import CargoModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte strings (trainee ids, case ids, course hashes, scan names) interned as dense ids 0, 1, 2, … in the
/// order first seen, so that a million lines that repeat a few thousand ids make a few thousand `String`s,
/// not a million, and per-trainee figures can live in flat arrays indexed by id.
///
/// - Complexity: `intern` is O(length) expected (FNV-1a hash, open addressing); the id of the previous call
///   is tried first, since consecutive lines usually repeat it.
public struct IdInterner: Sendable {
    private var arena: [UInt8] = []
    /// `starts[id] ..< starts[id + 1]` in `arena`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var names: [String] = []
    /// Open-addressing table of ids (−1: empty); its size is a power of two, at least twice `count`.
    private var slots = [Int32](repeating: -1, count: 64)
    private var last = -1

    public init() {}

    /// How many distinct strings have been interned.
    public var count: Int { names.count }

    /// The string of an id.
    public func string(_ id: Int) -> String { names[id] }

    /// Whether the string of an id is empty (without touching the `String`).
    @inline(__always)
    public func isEmpty(_ id: Int) -> Bool { starts[id + 1] == starts[id] }

    /// The id of a string already interned, if any.
    public func id(of text: String) -> Int? {
        var text = text
        return text.withUTF8 { find(UnsafeRawBufferPointer($0), hash(UnsafeRawBufferPointer($0))) }
    }

    /// The id of `text`, interning it when new.
    @discardableResult
    public mutating func intern(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The id of the bytes, interning them when new (they are copied).
    @inline(__always)
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int {
        if last >= 0, matches(last, bytes) { return last }
        let h = hash(bytes)
        if let id = find(bytes, h) {
            last = id
            return id
        }
        let id = names.count
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(h)
        names.append(String(decoding: bytes, as: UTF8.self))
        if names.count * 2 > slots.count { rehash(slots.count * 2) } else { place(id, h) }
        last = id
        return id
    }

    /// FNV-1a over eight-byte words (then the last bytes one by one), finished with a multiply-xorshift so that
    /// the low bits used for the slot depend on every byte.
    @inline(__always)
    private func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let n = bytes.count
        var k = 0
        if let base = bytes.baseAddress {
            while k + 8 <= n {
                h = (h ^ base.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0x100_0000_01b3
                k += 8
            }
            while k < n {
                h = (h ^ UInt64(base.load(fromByteOffset: k, as: UInt8.self))) &* 0x100_0000_01b3
                k += 1
            }
        }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        return h ^ (h >> 32)
    }

    @inline(__always)
    private func matches(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id], count = starts[id + 1] - start
        guard count == bytes.count else { return false }
        if count == 0 { return true }
        return arena.withUnsafeBufferPointer {
            sameBytes($0.baseAddress! + start, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
        }
    }

    private func find(_ bytes: UnsafeRawBufferPointer, _ h: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return nil }
            if hashes[id] == h, matches(id, bytes) { return id }
            slot = (slot + 1) & mask
        }
    }

    private mutating func place(_ id: Int, _ h: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(id)
    }

    private mutating func rehash(_ size: Int) {
        slots = [Int32](repeating: -1, count: size)
        for id in 0..<names.count { place(id, hashes[id]) }
    }
}

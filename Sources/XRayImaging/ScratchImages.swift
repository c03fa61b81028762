/// Images the renderer needs only while it renders (the blurred noise-free transmissions), kept from one render to
/// the next.
///
/// Why: the kernel hands out fresh memory a page at a time, clearing each page on its first write; a 3048 × 724
/// Float image costs 2,150 such page faults, and the C allocator returns large freed blocks to the kernel. The
/// scan's own buffers leave with the scan; these two need not. At most `capacity` images are kept (the most
/// recently returned, 8.8 MB each for a 40 ft container at 4 mm); taking one of a size not kept allocates.
/// Thread-safe: renders on several threads take and return images under one lock.
final class ScratchImages: @unchecked Sendable {
    /// The renderer's: two renders' worth.
    static let shared = ScratchImages(capacity: 4)

    let capacity: Int
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var images: [[Float]] = []

    init(capacity: Int) {
        self.capacity = capacity
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// An image of `count` samples whose contents are left over: the caller writes every sample before reading one.
    func take(count: Int) -> [Float] {
        pthread_mutex_lock(mutex)
        let image = images.lastIndex { $0.count == count }.map { images.remove(at: $0) }
        pthread_mutex_unlock(mutex)
        return image ?? uninitializedArray(count: count)
    }

    /// Keeps `image` for a later `take`, dropping the oldest kept image beyond `capacity`.
    func give(_ image: consuming [Float]) {
        pthread_mutex_lock(mutex)
        images.append(image)
        if images.count > capacity { images.removeFirst() }
        pthread_mutex_unlock(mutex)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

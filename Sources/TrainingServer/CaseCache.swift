import CargoModel
import CaseBundle
import Foundation
import NIOCore
import PNGEncoding
import Storage

/// Decoded cases and 16-bit scans, kept in memory so that case views and probes do not decode the same
/// bytes again. Cases are small and few; scans are bounded (a handful of the most recently probed); the
/// files a trainee downloads (PNG scans, door drawings) are kept as they are sent, up to
/// `maximumFileBytes`, least recently used first out. A course's files never change once imported.
final class CaseCache: @unchecked Sendable {
    // A lock rather than an actor: every trainee request asks here once or twice, and a hop to an actor and
    // back cost more than the lookup (make bench-server). The store is read outside the lock.
    private let lock = NSLock()
    private var cases: [String: InspectionCase] = [:]
    private var scans: [String: DecodedPNG] = [:]
    private var scanOrder: [String] = []
    private static let maximumScans = 6
    private var files: [String: ByteBuffer] = [:]
    private var fileOrder: [String] = []
    private var fileBytes = 0
    /// A 40-case course with scans is about 350 MB of PNGs; a class works a few cases at a time.
    static let maximumFileBytes = 256 << 20

    /// The bytes of a case file as stored (a scan PNG, door.svg), read from the store once: a 3 MB scan
    /// read out of SQLite and copied for every download was the server's scan throughput (make bench-server).
    func file(courseId: String, caseId: String, name: String, storage: any Storage) async throws -> ByteBuffer? {
        let key = courseId + "/" + caseId + "/" + name
        let cached: ByteBuffer? = lock.withLock {
            guard let cached = files[key] else { return nil }
            if fileOrder.last != key, let index = fileOrder.firstIndex(of: key) {
                fileOrder.remove(at: index)
                fileOrder.append(key)
            }
            return cached
        }
        if let cached { return cached }
        guard let bytes = try await storage.caseFile(courseId: courseId, caseId: caseId, name: name) else {
            return nil
        }
        let buffer = ByteBuffer(bytes: bytes)
        lock.withLock {
            // Another request may have stored it while this one read the store.
            guard files[key] == nil, buffer.readableBytes <= Self.maximumFileBytes else { return }
            files[key] = buffer
            fileOrder.append(key)
            fileBytes += buffer.readableBytes
            while fileBytes > Self.maximumFileBytes, !fileOrder.isEmpty {
                let oldest = fileOrder.removeFirst()
                fileBytes -= files.removeValue(forKey: oldest)?.readableBytes ?? 0
            }
        }
        return buffer
    }

    func inspectionCase(courseId: String, caseId: String, storage: any Storage) async throws -> InspectionCase? {
        let name = courseId + "/" + caseId
        if let cached = lock.withLock({ cases[name] }) { return cached }
        guard let document = try await storage.caseDocument(courseId: courseId, caseId: caseId) else { return nil }
        let decoded = try JSONDecoder().decode(InspectionCase.self, from: Data(document))
        lock.withLock { cases[name] = decoded }
        return decoded
    }

    func scan(courseId: String, caseId: String, file: String, storage: any Storage) async throws -> DecodedPNG? {
        let name = courseId + "/" + caseId + "/" + file
        if let cached = lock.withLock({ scans[name] }) { return cached }
        guard let bytes = try await storage.caseFile(courseId: courseId, caseId: caseId, name: file) else {
            return nil
        }
        let decoded = try PNG.decode(bytes)
        lock.withLock {
            guard scans[name] == nil else { return }
            scans[name] = decoded
            scanOrder.append(name)
            if scanOrder.count > Self.maximumScans { scans[scanOrder.removeFirst()] = nil }
        }
        return decoded
    }
}

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
actor CaseCache {
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
        if let cached = files[key] {
            if fileOrder.last != key, let index = fileOrder.firstIndex(of: key) {
                fileOrder.remove(at: index)
                fileOrder.append(key)
            }
            return cached
        }
        guard let bytes = try await storage.caseFile(courseId: courseId, caseId: caseId, name: name) else {
            return nil
        }
        let buffer = ByteBuffer(bytes: bytes)
        // Another request may have stored it while this one read the store.
        if files[key] == nil, buffer.readableBytes <= Self.maximumFileBytes {
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
        if let cached = cases[name] { return cached }
        guard let document = try await storage.caseDocument(courseId: courseId, caseId: caseId) else { return nil }
        let decoded = try JSONDecoder().decode(InspectionCase.self, from: Data(document))
        cases[name] = decoded
        return decoded
    }

    func scan(courseId: String, caseId: String, file: String, storage: any Storage) async throws -> DecodedPNG? {
        let name = courseId + "/" + caseId + "/" + file
        if let cached = scans[name] { return cached }
        guard let bytes = try await storage.caseFile(courseId: courseId, caseId: caseId, name: file) else {
            return nil
        }
        let decoded = try PNG.decode(bytes)
        scans[name] = decoded
        scanOrder.append(name)
        if scanOrder.count > Self.maximumScans { scans[scanOrder.removeFirst()] = nil }
        return decoded
    }
}

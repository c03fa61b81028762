import CargoModel
import CaseBundle
import Foundation
import PNGEncoding
import Storage

/// Decoded cases and 16-bit scans, kept in memory so that case views and probes do not decode the same
/// bytes again. Cases are small and few; scans are bounded (a handful of the most recently probed).
actor CaseCache {
    private var cases: [String: InspectionCase] = [:]
    private var scans: [String: DecodedPNG] = [:]
    private var scanOrder: [String] = []
    private static let maximumScans = 6

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

import CargoModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PNGEncoding

extension TrainingServer {
    /// How long a browser may keep a tile or class map without asking again: they never change (a course's files
    /// are fixed once imported, and a stage once open stays open), and only ever reach their own trainee.
    static let immutableCaching = "private, max-age=31536000, immutable"

    /// The routes of the viewer over a slow network: tiles of the scans' reduced levels and the material class map.
    /// Both answer only what the scan routes answer (the caller's own case, once screening is open).
    func addScanTileRoutes(to router: Router<ServerContext>) {
        router.get("/api/assignments/:aid/cases/:cid/scans/:name/tiles/:level/:column/:row") { request, context in
            let (user, _) = try await self.authenticate(request)
            let access = try await self.ownCase(user, context)
            let name = try self.openScan(access, context)
            guard
                let scan = try await self.cases.scan(
                    courseId: access.assignment.courseId, caseId: access.inspectionCase.id, file: name,
                    storage: self.storage)
            else { throw APIError.notFound }
            let levels = ScanTiles.levelCount(width: scan.width, height: scan.height)
            let level = try Self.wholeNumber(context, "level", in: 0..<levels, meaning: "level")
            let grid = ScanTiles.grid(width: scan.width, height: scan.height, level: level)
            let column = try Self.wholeNumber(context, "column", in: 0..<grid.columns, meaning: "tile column")
            let row = try Self.wholeNumber(context, "row", in: 0..<grid.rows, meaning: "tile row")
            let scanKey = "\(access.assignment.courseId)/\(access.inspectionCase.id)/\(name)"
            let levelKey = "\(scanKey)/\(level)"
            let tile = try self.tiles.encoded("\(levelKey)/\(column)/\(row)") {
                let samples = self.tiles.level(levelKey) { ScanTiles.reduce(scan, level: level) }
                let size = ScanTiles.levelSize(width: scan.width, height: scan.height, level: level)
                return try ScanTiles.tilePNG(
                    samples: samples, levelWidth: size.width, levelHeight: size.height, channels: scan.channels,
                    bitDepth: scan.bitDepth, column: column, row: row)
            }
            guard let tile else { throw APIError.notFound }
            return Self.immutableResponse(tile, request: request)
        }

        router.get("/api/assignments/:aid/cases/:cid/classes.png") { request, context in
            let (user, _) = try await self.authenticate(request)
            let access = try await self.ownCase(user, context)
            let scans = access.inspectionCase.screening?.scans ?? []
            guard access.inspectionCase.stages.contains(.screening),
                let reference = scans.first(where: { $0.file == "scan-high.png" }),
                scans.contains(where: { $0.file == "scan-low.png" })
            else { throw APIError.notFound }
            guard access.gate.isOpen(.screening) else {
                throw APIError.stageLocked("The scans are shown once the screening stage is open.")
            }
            guard reference.profile.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
                let calibration = self.tiles.calibration(profile: reference.profile, assets: self.configuration.assets),
                calibration.isDualEnergy
            else { throw APIError.notFound }
            let courseId = access.assignment.courseId, caseId = access.inspectionCase.id
            guard
                let high = try await self.cases.scan(
                    courseId: courseId, caseId: caseId, file: "scan-high.png", storage: self.storage),
                let low = try await self.cases.scan(
                    courseId: courseId, caseId: caseId, file: "scan-low.png", storage: self.storage),
                high.channels == 1, low.channels == 1, high.width == low.width, high.height == low.height
            else { throw APIError.notFound }
            let map = try self.tiles.encoded("\(courseId)/\(caseId)/classes") {
                try calibration.classMapPNG(high: high, low: low)
            }
            guard let map else { throw APIError.notFound }
            return Self.immutableResponse(map, request: request)
        }
    }

    /// A path parameter that must be a whole number in `range`; 400 naming it otherwise.
    static func wholeNumber(_ context: ServerContext, _ name: String, in range: Range<Int>, meaning: String) throws
        -> Int
    {
        guard let text = context.parameters.get(name), text.count <= 6, let value = Int(text), range.contains(value)
        else {
            throw APIError.badRequest(
                "Give the \(meaning) as a whole number from \(range.lowerBound) to \(range.upperBound - 1).",
                field: name)
        }
        return value
    }

    /// 200 with the bytes, or 304 when the browser already holds them (If-None-Match); cacheable for good.
    static func immutableResponse(_ file: TileCache.Encoded, request: Request) -> Response {
        var headers: HTTPFields = [.contentType: "image/png", .eTag: file.entityTag, .cacheControl: immutableCaching]
        if let asked = request.headers[.ifNoneMatch],
            asked.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.entityTag })
                || asked.trimmingCharacters(in: .whitespaces) == "*"
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(file.buffer.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.buffer))
    }
}

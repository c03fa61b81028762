import CargoModel
import CaseBundle
import Foundation
import HTTPTypes
import PNGEncoding
import Testing
import XRayImaging

@testable import TrainingServer

/// The viewer over a slow network: levels and tiles of the scans, the class map, their gating and caching.
@Suite struct ScanTileTests {
    // ---- the levels, without a server ----------------------------------------------------------

    @Test func levelsHalveUntilOneTileHoldsTheScan() {
        #expect(ScanTiles.levelCount(width: 256, height: 100) == 1)
        #expect(ScanTiles.levelCount(width: 257, height: 100) == 2)
        #expect(ScanTiles.levelCount(width: 3_000, height: 800) == 5)  // 188 × 50 at level 4
        let size = ScanTiles.levelSize(width: 3_001, height: 801, level: 2)
        #expect(size.width == 751 && size.height == 201)
        let fine = ScanTiles.grid(width: 3_000, height: 800, level: 0)
        #expect(fine.columns == 12 && fine.rows == 4)
        let coarse = ScanTiles.grid(width: 3_000, height: 800, level: 4)
        #expect(coarse.columns == 1 && coarse.rows == 1)
    }

    @Test func aLevelPixelIsTheRoundedMeanOfItsBlockInsideTheScan() {
        // 5 × 3, one channel: level 1 is 3 × 2, with partial blocks on the right and at the bottom.
        let samples: [UInt16] = [
            0, 1, 2, 3, 65535,
            4, 6, 8, 10, 65535,
            100, 101, 7, 7, 9,
        ]
        let level = ScanTiles.reduce(samples, width: 5, height: 3, channels: 1, level: 1)
        // (0+1+4+6)/4 = 2.75 → 3; (2+3+8+10)/4 = 5.75 → 6; (65535+65535)/2; (100+101)/2 = 100.5 → 101 (half up);
        // (7+7)/2; 9 alone.
        #expect(level == [3, 6, 65535, 101, 7, 9])
        #expect(ScanTiles.reduce(samples, width: 5, height: 3, channels: 1, level: 0) == samples)
        // Three channels are averaged each on its own.
        #expect(
            ScanTiles.reduce([10, 20, 30, 11, 21, 255], width: 2, height: 1, channels: 3, level: 1) == [11, 21, 143])
    }

    @Test(arguments: [(0, 0), (1, 0), (0, 1), (1, 1)])
    func aTileDecodesToItsPartOfTheLevel(column: Int, row: Int) throws {
        var generator = TileTestRandom(seed: UInt64(column * 7 + row))
        let width = 300, height = 270
        let samples = (0..<width * height).map { _ in UInt16(truncatingIfNeeded: generator.next() as UInt64) }
        let png = try #require(
            try ScanTiles.tilePNG(
                samples: samples, levelWidth: width, levelHeight: height, channels: 1, bitDepth: 16, column: column,
                row: row))
        let tile = try PNG.decode(png)
        let x0 = column * 256, y0 = row * 256
        #expect(tile.width == min(256, width - x0) && tile.height == min(256, height - y0))
        #expect(tile.bitDepth == 16 && tile.channels == 1)
        for y in 0..<tile.height {
            for x in 0..<tile.width where tile.samples[y * tile.width + x] != samples[(y0 + y) * width + x0 + x] {
                Issue.record("tile (\(column), \(row)) pixel (\(x), \(y)) differs from the level")
                return
            }
        }
        #expect(
            try ScanTiles.tilePNG(
                samples: samples, levelWidth: width, levelHeight: height, channels: 1, bitDepth: 16, column: 2, row: 0)
                == nil)
    }

    // ---- the routes ------------------------------------------------------------------------------

    /// A four-stage case of the training course with both energies, its assignment path and its scan.
    static func dualEnergyCase(_ world: TestWorld) throws -> (base: String, caseId: String, scan: ScanReference) {
        let aid = world.assignments["trainee1"]![.training]!
        for caseId in world.caseIds() {
            let c = try world.inspectionCase(caseId)
            let scans = c.screening?.scans ?? []
            if c.stages.first == .targeting, c.stages.contains(.screening),
                let high = scans.first(where: { $0.file == "scan-high.png" }),
                scans.contains(where: { $0.file == "scan-low.png" })
            {
                return ("/api/assignments/\(aid)/cases/\(caseId)", caseId, high)
            }
        }
        throw FixtureError(description: "the fixture course has no dual-energy case with a screening stage")
    }

    /// The fixture's own PNG of a case.
    static func decodedFile(_ world: TestWorld, caseId: String, name: String) throws -> DecodedPNG {
        let item = world.course.cases.first { $0.caseId == caseId }!
        return try PNG.decode(item.files[name]!)
    }

    @Test func tilesAndTheClassMapAreTheOwnersOnceScreeningIsOpen() async throws {
        let world = try await TestWorld.make()
        let (base, _, _) = try Self.dualEnergyCase(world)
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            let other = try await anonymous.signedIn("trainee2")
            let tile = base + "/scans/scan-high.png/tiles/0/0/0"
            #expect(try await anonymous.get(tile).status == .unauthorized)
            #expect(try await trainee.get(tile).errorCode == "stage-locked")
            #expect(try await trainee.get(base + "/classes.png").errorCode == "stage-locked")
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            for name in TrainingServer.scanFiles {
                let answer = try await trainee.get(base + "/scans/\(name)/tiles/0/0/0")
                #expect(answer.status == .ok && answer.headers[.contentType] == "image/png", "\(name)")
            }
            #expect(try await trainee.get(base + "/classes.png").status == .ok)
            // Another trainee, an instructor and a name that is no scan: not found, as for the whole scans.
            #expect(try await other.get(tile).status == .notFound)
            #expect(try await other.get(base + "/classes.png").status == .notFound)
            let instructor = try await anonymous.signedIn("instructor")
            #expect(try await instructor.get(tile).status == .notFound)
            #expect(try await trainee.get(base + "/scans/key.json/tiles/0/0/0").status == .notFound)
        }
    }

    @Test func tileAddressesOutsideTheLevelsAreRefusedByField() async throws {
        let world = try await TestWorld.make()
        let (base, _, scan) = try Self.dualEnergyCase(world)
        let levels = ScanTiles.levelCount(width: scan.widthPixels, height: scan.heightPixels)
        let grid = ScanTiles.grid(width: scan.widthPixels, height: scan.heightPixels, level: 0)
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            let tiles = base + "/scans/scan-high.png/tiles/"
            for (path, field) in [
                ("\(levels)/0/0", "level"), ("-1/0/0", "level"), ("x/0/0", "level"),
                ("0/\(grid.columns)/0", "column"), ("0/0/\(grid.rows)", "row"), ("0/0/1e3", "row"),
            ] {
                let answer = try await trainee.get(tiles + path)
                #expect(answer.status == .badRequest, "\(path): \(answer.status)")
                #expect((answer.object["error"] as? [String: Any])?["field"] as? String == field, "\(path)")
            }
            #expect(try await trainee.get(tiles + "\(levels - 1)/0/0").status == .ok)
            #expect(try await trainee.get(tiles + "0/\(grid.columns - 1)/\(grid.rows - 1)").status == .ok)
        }
    }

    @Test func levelZeroTilesAreTheExactSamplesAndCoarserLevelsTheirBlockMeans() async throws {
        let world = try await TestWorld.make()
        let (base, caseId, scan) = try Self.dualEnergyCase(world)
        let high = try Self.decodedFile(world, caseId: caseId, name: "scan-high.png")
        let colour = try Self.decodedFile(world, caseId: caseId, name: "scan.png")
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            // The last tile of level 0 (narrower and shorter than the others) against the scan's own pixels.
            let grid = ScanTiles.grid(width: high.width, height: high.height, level: 0)
            let (c, r) = (grid.columns - 1, grid.rows - 1)
            let tile = try PNG.decode(
                (try await trainee.get(base + "/scans/scan-high.png/tiles/0/\(c)/\(r)")).body)
            #expect(tile.width == high.width - c * 256 && tile.height == high.height - r * 256)
            var differing = 0
            for y in 0..<tile.height {
                for x in 0..<tile.width
                where tile.samples[y * tile.width + x] != high.samples[(r * 256 + y) * high.width + c * 256 + x] {
                    differing += 1
                }
            }
            #expect(differing == 0)
            // The probe reads the same sample.
            let probe = try await trainee.get(base + "/scans/scan-high.png/probe?x=\(c * 256 + 3)&y=\(r * 256 + 2)")
            #expect(probe.object["value"] as? Int == Int(tile.samples[2 * tile.width + 3]))
            // Level 2: each pixel the rounded mean of its 4 × 4 block, summed here from the scan.
            let level2 = try PNG.decode((try await trainee.get(base + "/scans/scan-high.png/tiles/2/0/0")).body)
            for (lx, ly) in [(0, 0), (17, 9), (level2.width - 1, level2.height - 1)] {
                var sum = 0, count = 0
                for y in ly * 4..<min(high.height, ly * 4 + 4) {
                    for x in lx * 4..<min(high.width, lx * 4 + 4) {
                        sum += Int(high.samples[y * high.width + x])
                        count += 1
                    }
                }
                #expect(Int(level2.samples[ly * level2.width + lx]) == (2 * sum + count) / (2 * count))
            }
            // The colour image's tiles are 8-bit RGB; level 0 is scan.png's own pixels.
            let colourTile = try PNG.decode((try await trainee.get(base + "/scans/scan.png/tiles/0/0/0")).body)
            #expect(colourTile.channels == 3 && colourTile.bitDepth == 8)
            #expect(Array(colourTile.samples[0..<768]) == Array(colour.samples[0..<768]))
            #expect(scan.widthPixels == high.width)
        }
    }

    @Test func tilesAreCachedForGoodAndRevalidatedByEntityTag() async throws {
        let world = try await TestWorld.make()
        let (base, _, _) = try Self.dualEnergyCase(world)
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            let path = base + "/scans/scan-high.png/tiles/0/0/0"
            let first = try await trainee.get(path)
            let tag = try #require(first.headers[.eTag])
            #expect(first.headers[.cacheControl] == "private, max-age=31536000, immutable")
            #expect(first.headers[.contentLength] == String(first.body.count))
            #expect(tag == ScanTiles.entityTag(of: first.body))
            // The same bytes and tag again (from the cache), and 304 without a body when the browser has them.
            let again = try await trainee.get(path)
            #expect(again.body == first.body && again.headers[.eTag] == tag)
            let revalidated = try await trainee.request(.get, path, headers: [.ifNoneMatch: tag])
            #expect(revalidated.status == .notModified && revalidated.body.isEmpty)
            #expect(revalidated.headers[.eTag] == tag)
            let stale = try await trainee.request(.get, path, headers: [.ifNoneMatch: "\"something-else\""])
            #expect(stale.status == .ok && stale.body == first.body)
            let neighbour = try await trainee.get(base + "/scans/scan-high.png/tiles/0/1/0")
            #expect(neighbour.headers[.eTag] != tag)
            let classes = try await trainee.get(base + "/classes.png")
            #expect(classes.headers[.cacheControl] == "private, max-age=31536000, immutable")
            let classTag = try #require(classes.headers[.eTag])
            #expect(
                try await trainee.request(.get, base + "/classes.png", headers: [.ifNoneMatch: classTag]).status
                    == .notModified)
        }
    }

    @Test func theClassMapIsTheLocalRatioRuleOverTheExactSamples() async throws {
        let world = try await TestWorld.make()
        let (base, caseId, scan) = try Self.dualEnergyCase(world)
        let high = try Self.decodedFile(world, caseId: caseId, name: "scan-high.png")
        let low = try Self.decodedFile(world, caseId: caseId, name: "scan-low.png")
        let profile = try #require(ScannerProfile.named(scan.profile))
        let classifier = try MaterialClassifier(
            profile: profile, materials: try MaterialTableLoader.load(from: Checkout.assets))
        try await world.test { anonymous in
            let trainee = try await anonymous.signedIn("trainee1")
            #expect(try await trainee.post(base + "/decisions", decisionBody(.targeting)).status == .created)
            let map = try PNG.decode((try await trainee.get(base + "/classes.png")).body)
            #expect(map.width == high.width && map.height == high.height && map.channels == 1)
            // The renderer's rule (the ratio averaged over 7 × 7 pixels) over the exact samples, pixel for pixel:
            // the web calibration file holds the classifier's curves as their shortest decimals, as the rule does.
            let expected = LocalRatioClassifier(classifier).classify(
                high: high.samples, low: low.samples, width: high.width, height: high.height)
            var agree = 0
            var seen = Set<UInt16>()
            for i in high.samples.indices {
                if UInt16(expected[i]) == map.samples[i] { agree += 1 }
                seen.insert(map.samples[i])
            }
            #expect(agree == high.samples.count, "\(agree) of \(high.samples.count)")
            #expect(seen.count >= 2, "a scan of a loaded container has more than one class: \(seen)")
            #expect(seen.allSatisfy { $0 <= 5 })
        }
    }
}

/// TileTestRandom64, for test data.
private struct TileTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

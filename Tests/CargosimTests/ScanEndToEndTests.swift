import CargoModel
import CaseBundle
import Foundation
import Testing

/// Runs the built `cargosim` binary the way an instructor does: generate a course with scans,
/// twice in two processes, then render, scene, contact-sheet and review-pack on it.
@Suite(.serialized) struct ScanEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The repository's assets (`CARGOSIM_TEST_ASSETS` overrides, to try another copy).
    static let assets =
        ProcessInfo.processInfo.environment["CARGOSIM_TEST_ASSETS"].map { URL(fileURLWithPath: $0) }
        ?? root.appendingPathComponent("Assets")

    /// The `cargosim` executable next to the test bundle.
    static var binary: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cargosim").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("cargosim")
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments =
            arguments + (["scene", "contact-sheet"].contains(arguments.first ?? "") ? [] : ["--assets", assets.path])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func temporaryFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cargosim-e2e-\(getpid())-\(name)")
    }

    /// Every file under `folder`, relative path → bytes.
    static func tree(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator
        where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
        }
        return files
    }

    /// Width, height, bit depth, colour type and chunk types of a PNG.
    static func pngInfo(_ data: Data) -> (width: Int, height: Int, depth: Int, colour: Int, chunks: [String])? {
        let b = [UInt8](data)
        guard b.count > 33, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        var chunks: [String] = []
        var i = 8
        while i + 8 <= b.count {
            let length = u32(i)
            chunks.append(String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self))
            i += 12 + length
        }
        return (u32(16), u32(20), Int(b[24]), Int(b[25]), chunks)
    }

    @Test func aGeneratedCourseCarriesScansThatMatchTheirKeysAndIsTheSameInTwoProcesses() throws {
        let a = Self.temporaryFolder("a"), b = Self.temporaryFolder("b")
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        // Two 20 ft cases keep the debug-build test short; the mix path is the same code.
        let spec = Self.temporaryFolder("spec.yaml")
        try "scenario: withinLoad\ncontainerType: 22G1\nredFlags: true\n".write(
            to: spec, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: spec) }
        for folder in [a, b] {
            let result = try Self.run([
                "generate", "--seed", "4242424242424", "--count", "2", "--spec", spec.path, "--out", folder.path,
                "--quiet",
            ])
            #expect(result.status == 0, "\(result.output)")
        }
        let treeA = try Self.tree(a), treeB = try Self.tree(b)
        #expect(treeA.keys.sorted() == treeB.keys.sorted())
        for (name, data) in treeA { #expect(treeB[name] == data, "\(name) differs between two processes") }

        // Every file validates (course, cases, keys), and the scenes against scene.schema.json.
        let validator = try CourseValidator(schemaDirectory: Self.assets.appendingPathComponent("schema"))
        #expect(validator.validate(courseDirectory: a).isEmpty)
        let sceneSchemaURL = Self.assets.appendingPathComponent("schema/scene.schema.json")
        let sceneSchema = try JSONSchemaValidator(
            schemaData: Data(contentsOf: sceneSchemaURL), file: sceneSchemaURL.path)

        let reader = try CourseReader(courseDirectory: a)
        var scanned = 0
        for id in reader.caseIds {
            let c = try reader.readCase(id)
            let key = try reader.readKey(id)
            let sceneData = try #require(treeA["/keys/\(id).scene.json"])
            #expect(sceneSchema.validate(json: sceneData).isEmpty, "\(id).scene.json")
            let scene = try CanonicalJSON.decode(Scene.self, from: sceneData, file: id)
            let folder = "/cases/\(id)/"
            let screeningFolder = "/stages/screening/\(id)/"
            if let exam = c.examination {
                let svg = try #require(treeA["/stages/examination/\(id)/door.svg"])
                let text = String(decoding: svg, as: UTF8.self)
                #expect(text.contains(exam.seal.numberRead) || (exam.seal.boltNumber.map(text.contains) ?? false))
            }
            guard let screening = c.screening else {
                #expect(treeA[screeningFolder + "scan.png"] == nil)
                continue
            }
            scanned += 1
            // The trainee's reference holds file, profile, size and pitch only; the key holds the geometry.
            #expect(Set(screening.scans.map(\.file)) == ["scan.png", "scan-high.png", "scan-low.png"])
            let scanKey = try #require(key.scans.first)
            let pitch = scanKey.pixelPitchMM
            for reference in screening.scans {
                let bytes = try #require(treeA[screeningFolder + reference.file])
                let info = try #require(Self.pngInfo(bytes))
                #expect(info.width == reference.widthPixels && info.height == reference.heightPixels)
                // Image size = container size / pitch.
                #expect(info.width == Int((Double(scene.bounds.length) / pitch).rounded()))
                #expect(info.height == Int((Double(scene.bounds.height) / pitch).rounded()))
                #expect(
                    reference.file == "scan.png"
                        ? (info.depth, info.colour) == (8, 2) : (info.depth, info.colour) == (16, 0))
                #expect(info.chunks.allSatisfy { !["tEXt", "zTXt", "iTXt", "tIME"].contains($0) }, "\(info.chunks)")
            }
            let caseJSON = String(decoding: try #require(treeA[folder + "case.json"]), as: UTF8.self)
            #expect(
                !caseJSON.contains("maskRuns") && !caseJSON.contains("contrastToNoise")
                    && !caseJSON.contains("anomalyId"))
            // Pixel boxes land where the anomaly's shapes project.
            for pixels in scanKey.anomalies {
                let shapes = scene.shapes.filter { $0.anomalyId == pixels.anomalyId && $0.material != "air" }
                guard !shapes.isEmpty else { continue }
                let minX = shapes.map { $0.geometry.bounds.x }.min()!,
                    maxX = shapes.map { $0.geometry.bounds.x + $0.geometry.bounds.length }.max()!
                let maxZ = shapes.map { $0.geometry.bounds.z + $0.geometry.bounds.height }.max()!
                let column = Double(minX - scene.bounds.x) / pitch,
                    row = Double(scene.bounds.z + scene.bounds.height - maxZ) / pitch
                #expect(
                    abs(Double(pixels.box.x) - column) <= 3,
                    "\(id) \(pixels.anomalyId): column \(pixels.box.x) vs \(column)")
                #expect(
                    abs(Double(pixels.box.y) - row) <= 3, "\(id) \(pixels.anomalyId): row \(pixels.box.y) vs \(row)")
                #expect(
                    abs(Double(pixels.box.width) - Double(maxX - minX) / pitch) <= 4, "\(id) \(pixels.anomalyId): width"
                )
                #expect(
                    pixels.box.x + pixels.box.width <= scanKey.widthPixels
                        && pixels.box.y + pixels.box.height <= scanKey.heightPixels)
                #expect(pixels.maskRuns.reduce(0, +) == pixels.box.area && pixels.pixelCount > 0)
            }
            if key.irregular, let weakest = scanKey.weakestContrastToNoise {
                let factor = key.difficulty.factors.first { $0.code == .lowContrast }?.value
                #expect(factor == (AnswerKeyVisibility.lowContrast(cnr: weakest, floor: 5) * 1000).rounded() / 1000)
            }
        }
        #expect(scanned > 0)

        // render: the default profile again gives the same bytes; another profile adds its own entry.
        let first = reader.caseIds.first { (try? reader.readCase($0).screening) != nil }!
        let caseFolder = a.appendingPathComponent("cases/\(first)")
        var result = try Self.run(["render", caseFolder.path, "--keys", a.appendingPathComponent("keys").path])
        #expect(result.status == 0, "\(result.output)")
        #expect(
            try Data(contentsOf: a.appendingPathComponent("stages/screening/\(first)/scan.png"))
                == treeA["/stages/screening/\(first)/scan.png"])
        #expect(try Self.tree(a) == treeA, "the same profile again changes no byte, course.json included")
        #expect(try Data(contentsOf: a.appendingPathComponent("keys/\(first).json")) == treeA["/keys/\(first).json"])
        result = try Self.run([
            "render", caseFolder.path, "--keys", a.appendingPathComponent("keys").path, "--profile", "cobalt-60",
        ])
        #expect(result.status == 0, "\(result.output)")
        let rerendered = try reader.readKey(first)
        #expect(rerendered.scans.map(\.profile) == ["linac-6-4mv", "cobalt-60"])
        #expect(
            validator.validate(courseDirectory: a).isEmpty,
            "course.json lists the new scans and the new screening.json, with the new course hash")
        #expect(try CourseReader(courseDirectory: a).readCase(first).screening?.scans.count == 5)

        // scene --json prints the scene of the keys.
        result = try Self.run(["scene", caseFolder.path, "--keys", a.appendingPathComponent("keys").path, "--json"])
        #expect(result.status == 0)
        #expect(
            result.output.trimmingCharacters(in: .whitespacesAndNewlines)
                == String(decoding: treeA["/keys/\(first).scene.json"]!, as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines))

        // contact sheet and review pack.
        let sheet = a.deletingLastPathComponent().appendingPathComponent("cargosim-e2e-\(getpid())-sheet.png")
        let review = a.deletingLastPathComponent().appendingPathComponent("cargosim-e2e-\(getpid())-review")
        defer {
            try? FileManager.default.removeItem(at: sheet)
            try? FileManager.default.removeItem(at: review)
        }
        result = try Self.run(["contact-sheet", a.path, "--out", sheet.path])
        #expect(result.status == 0, "\(result.output)")
        let sheetInfo = try #require(Self.pngInfo(try Data(contentsOf: sheet)))
        #expect(sheetInfo.width > 640 && sheetInfo.colour == 2)
        result = try Self.run([
            "review-pack", a.path, "--keys", a.appendingPathComponent("keys").path, "--out", review.path, "--lang",
            "es",
        ])
        #expect(result.status == 0, "\(result.output)")
        let html = try String(
            contentsOf: review.appendingPathComponent("review-\(reader.index.courseId).html"), encoding: .utf8)
        for id in reader.caseIds { #expect(html.contains(id)) }
        #expect(
            html.contains("data:image/png;base64,") && html.contains("<rect") && html.contains("Paquete de revisión"))
    }
}

/// The lowContrast rule, restated here so the test does not import the generator.
enum AnswerKeyVisibility {
    static func lowContrast(cnr: Double, floor: Double) -> Double {
        let top = max(1.5, 3 * floor)
        return max(0, min(1, (top - cnr) / (top - 1)))
    }
}

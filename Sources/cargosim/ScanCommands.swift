import ArgumentParser
import CargoModel
import CaseBundle
import CaseGeneration
import CasePrint
import Foundation
import PNGEncoding
import XRayImaging

/// The scan commands (`render`, `scene`, `contact-sheet`, `review-pack`), registered in `CargoSim`.
let scanCommands: [any ParsableCommand.Type] = [
    RenderCommand.self, SceneCommand.self, ContactSheetCommand.self, ReviewPackCommand.self,
]

/// A case of a course and its keys folder, from the command line.
struct CaseInCourse {
    let reader: CourseReader
    let caseId: String
    let keys: URL

    init(path: String, keys: String) throws {
        guard case let .caseInCourse(course, id) = try CourseReader.resolve(path) else {
            throw ArgumentParser.ValidationError("Give a case folder of a course (course/cases/<id>), not \(path).")
        }
        reader = try CourseReader(courseDirectory: course)
        caseId = id
        self.keys = URL(fileURLWithPath: keys)
    }

    var sceneFile: URL { keys.appendingPathComponent(caseId + ".scene.json") }
    var keyFile: URL { keys.appendingPathComponent(caseId + ".json") }

    func readScene() throws -> Scene {
        let data: Data
        do { data = try Data(contentsOf: sceneFile) } catch {
            throw BundleError(
                code: "course.notFound", file: sceneFile.path,
                message:
                    "No scene for case \(caseId) in \(keys.path); give the keys folder of this course with --keys KEYS_DIR."
            )
        }
        return try CanonicalJSON.decode(Scene.self, from: data, file: sceneFile.path)
    }
}

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a case's scan again from the scene in its keys, and update the key's pixel geometry.",
        discussion: """
            Writes the images into the case's screening pack (stages/screening/<id>/: scan.png, scan-high.png, \
            scan-low.png for the default profile; scan-<profile>.png and so on for the others), lists them in \
            screening.json, updates course.json (file digests and course hash) and replaces the key's entry for that \
            profile. The photon noise is drawn from the case seed, so rendering twice gives the same bytes.
            Profiles: \(ScannerProfile.all.map(\.name).joined(separator: ", ")).
            """)

    @Argument(help: ArgumentHelp("The case folder (course/cases/<id>).", valueName: "case"))
    var casePath: String

    @Option(help: ArgumentHelp("The keys folder of the course (grader pack).", valueName: "dir"))
    var keys: String

    @Option(help: "Scanner profile. Default: the dual-energy linac.")
    var profile: String = ScannerProfile.dualEnergyLinac.name

    @Option(help: "Pixel pitch in mm (3 to 5). Default: the profile's.")
    var pitch: Double?

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard ScannerProfile.all.contains(where: { $0.name == profile }) else {
            throw ArgumentParser.ValidationError(
                "Choose a profile from \(ScannerProfile.all.map(\.name).joined(separator: ", ")) (got \(profile)).")
        }
        if let pitch, !(3...5).contains(pitch) {
            throw ArgumentParser.ValidationError("Give --pitch from 3 to 5 mm (got \(pitch)).")
        }
    }

    func run() throws {
        do {
            let workspace = try Workspace(assetOptions)
            let target = try CaseInCourse(path: casePath, keys: keys)
            var inspectionCase = try target.reader.readCase(target.caseId)
            var key = try target.reader.readKey(target.caseId, keysDirectory: target.keys)
            let scene = try target.readScene()
            var chosen = ScannerProfile.all.first { $0.name == profile }!
            if let pitch { chosen = chosen.withPixelPitch(pitch) }
            let pipeline = ScanPipeline(renderer: Renderer(materials: try loadMaterials(workspace)), profile: chosen)
            guard let seed = UInt64(key.seed) else {
                throw BundleError(
                    code: "key.seed", file: target.keyFile.path, field: "seed", value: key.seed,
                    message: "The key's seed is not a whole number; regenerate the course.")
            }
            let output = try pipeline.render(scene, anomalies: key.anomalies, caseSeed: seed)
            guard inspectionCase.stages.contains(.screening) else {
                throw BundleError(
                    code: "course.noScreening", file: casePath,
                    message: "Case \(target.caseId) has no screening stage, so it has no scans to render.")
            }
            guard var screening = inspectionCase.screening else {
                _ = try target.reader.readCompleteCase(target.caseId)  // names the missing stage pack
                return
            }
            screening.scans = screening.scans.filter { $0.profile != chosen.name } + output.references
            inspectionCase.screening = screening
            var files = output.files
            files[CourseLayout.documentName(of: .screening)] = try CanonicalJSON.encode(screening)
            try CourseWriter.replaceCaseFiles(in: target.reader.directory, caseId: target.caseId, files: files)
            // The default profile's entry stays first: difficulty follows it.
            if let i = key.scans.firstIndex(where: { $0.profile == chosen.name }) {
                key.scans[i] = output.scanKey
            } else {
                key.scans.append(output.scanKey)
            }
            key.applyScanVisibility(floor: pipeline.visibilityFloor)
            try writeAtomically(CanonicalJSON.encode(key), to: target.keyFile)
            print(
                "Rendered \(target.caseId) with \(chosen.name) at \(chosen.pixelPitchMM) mm: \(output.scanKey.widthPixels) × "
                    + "\(output.scanKey.heightPixels) px, " + output.files.keys.sorted().joined(separator: ", "))
            for a in output.scanKey.anomalies {
                print(
                    "  \(a.anomalyId): box x \(a.box.x) y \(a.box.y) \(a.box.width)×\(a.box.height) px, CNR \(a.contrastToNoise)"
                )
            }
        } catch let error as ArgumentParser.ValidationError {
            throw error
        } catch {
            fail(error)
        }
    }
}

struct SceneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scene", abstract: "Print the scene of a case (its shapes in container millimetres) from the keys."
    )

    @Argument(help: ArgumentHelp("The case folder (course/cases/<id>).", valueName: "case"))
    var casePath: String

    @Option(help: ArgumentHelp("The keys folder of the course (grader pack).", valueName: "dir"))
    var keys: String

    @Flag(help: "Print the scene as JSON (sorted keys).")
    var json = false

    func run() throws {
        do {
            let target = try CaseInCourse(path: casePath, keys: keys)
            let scene = try target.readScene()
            if json {
                print(String(decoding: try CanonicalJSON.encode(scene), as: UTF8.self))
                return
            }
            print(
                "\(scene.containerType): \(scene.shapes.count) shapes, bounds \(scene.bounds.length)×\(scene.bounds.width)×\(scene.bounds.height) mm"
            )
            for role in SceneRole.allCases {
                let shapes = scene.shapes.filter { $0.role == role }
                guard !shapes.isEmpty else { continue }
                print(
                    "  \(role.rawValue): \(shapes.count) shapes, \(Int(scene.massKG(role: role).rounded())) kg (nominal densities)"
                )
            }
        } catch {
            fail(error)
        }
    }
}

struct ContactSheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact-sheet", abstract: "One PNG with every case's scan.png of a course, in course order.")

    @Argument(help: ArgumentHelp("The course folder.", valueName: "course"))
    var coursePath: String

    @Option(help: ArgumentHelp("Output PNG. Default: contact-sheet.png in the current folder.", valueName: "file"))
    var out: String = "contact-sheet.png"

    @Option(help: "Thumbnails per row.")
    var columns: Int = 4

    @Option(help: "Width of a thumbnail in pixels.")
    var thumbnailWidth: Int = 640

    func validate() throws {
        if !(1...20).contains(columns) {
            throw ArgumentParser.ValidationError("Give --columns from 1 to 20 (got \(columns)).")
        }
        if !(64...4000).contains(thumbnailWidth) {
            throw ArgumentParser.ValidationError("Give --thumbnail-width from 64 to 4000 (got \(thumbnailWidth)).")
        }
    }

    func run() throws {
        do {
            let reader = try CourseReader(courseDirectory: URL(fileURLWithPath: coursePath))
            // Every case whose screening stage has scans must have its scan.png: a damaged course is named,
            // not silently shown with gaps.
            var images: [(label: String, image: DecodedPNG)] = []
            for (position, id) in reader.caseIds.enumerated() {
                let listed = reader.index.files(ofCase: id).contains { $0.path.hasSuffix("/scan.png") }
                guard listed else { continue }
                let file = reader.fileURL("scan.png", caseId: id)!
                guard let data = FileManager.default.contents(atPath: file.path) else {
                    throw BundleError(
                        code: "course.missingFile", file: file.path,
                        message: "This scan of the course is missing; copy the course again (with its stages/ "
                            + "folder), or regenerate it.")
                }
                do { images.append(("\(position + 1)  \(id)", try PNG.decode(Array(data)))) } catch {
                    throw BundleError(
                        code: "course.badScan", file: file.path,
                        message: "This scan is not a readable PNG (\(error)); copy the course again or regenerate it.")
                }
            }
            guard !images.isEmpty else {
                throw BundleError(
                    code: "course.noScans", file: coursePath,
                    message: "No case of the course has a scan.png; generate the course with its scans (without --no-scans).")
            }
            let sheet = ContactSheet(columns: columns, thumbnailWidth: thumbnailWidth).compose(
                images.map(\.image), labels: images.map(\.label))
            let png = try PNG.encodeRGB8(width: sheet.width, height: sheet.height, pixels: sheet.pixels)
            try writeAtomically(Data(png), to: URL(fileURLWithPath: out))
            print("Wrote \(out): \(images.count) scans, \(sheet.width) × \(sheet.height) px")
        } catch let error as ArgumentParser.ValidationError {
            throw error
        } catch {
            fail(error)
        }
    }
}

/// Lays thumbnails out in a grid on a dark background (box-filter downscaling of 8-bit RGB).
struct ContactSheet {
    let columns: Int
    let thumbnailWidth: Int
    let margin = 12

    /// The thumbnails in a grid, each under its label (position and case id) when given.
    func compose(_ images: [DecodedPNG], labels: [String] = []) -> (width: Int, height: Int, pixels: [UInt8]) {
        let thumbs = images.map { thumbnail($0) }
        let scale = max(1, thumbnailWidth / 320)
        let band = labels.isEmpty ? 0 : BitmapFont.height(scale: scale) + 6
        let cellHeight = (thumbs.map(\.height).max() ?? 1) + band
        let rows = (thumbs.count + columns - 1) / columns
        let width = margin + columns * (thumbnailWidth + margin)
        let height = margin + rows * (cellHeight + margin)
        var pixels = [UInt8](repeating: 40, count: width * height * 3)
        for (i, thumb) in thumbs.enumerated() {
            let ox = margin + (i % columns) * (thumbnailWidth + margin),
                top = margin + (i / columns) * (cellHeight + margin), oy = top + band
            if i < labels.count {
                BitmapFont.draw(labels[i], into: &pixels, width: width, at: ox, top, scale: scale, colour: (235, 235, 235))
            }
            for y in 0..<thumb.height {
                let src = y * thumb.width * 3, dst = ((oy + y) * width + ox) * 3
                pixels.replaceSubrange(dst..<(dst + thumb.width * 3), with: thumb.pixels[src..<(src + thumb.width * 3)])
            }
        }
        return (width, height, pixels)
    }

    func thumbnail(_ image: DecodedPNG) -> (width: Int, height: Int, pixels: [UInt8]) {
        let scale = Double(image.width) / Double(thumbnailWidth)
        let tw = thumbnailWidth, th = max(1, Int(Double(image.height) / scale))
        var out = [UInt8](repeating: 0, count: tw * th * 3)
        let channels = image.channels
        for ty in 0..<th {
            let y0 = Int(Double(ty) * scale), y1 = max(y0 + 1, min(image.height, Int(Double(ty + 1) * scale)))
            for tx in 0..<tw {
                let x0 = Int(Double(tx) * scale), x1 = max(x0 + 1, min(image.width, Int(Double(tx + 1) * scale)))
                var sum = (0, 0, 0)
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let i = (y * image.width + x) * channels
                        let r = Int(image.samples[i])
                        sum.0 += r
                        sum.1 += channels >= 3 ? Int(image.samples[i + 1]) : r
                        sum.2 += channels >= 3 ? Int(image.samples[i + 2]) : r
                    }
                }
                let n = (y1 - y0) * (x1 - x0)
                let shift = image.bitDepth == 16 ? 8 : 0
                let o = (ty * tw + tx) * 3
                out[o] = UInt8(min(255, (sum.0 / n) >> shift))
                out[o + 1] = UInt8(min(255, (sum.1 / n) >> shift))
                out[o + 2] = UInt8(min(255, (sum.2 / n) >> shift))
            }
        }
        return (tw, th, out)
    }
}

struct ReviewPackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review-pack",
        abstract: "A printable HTML page of a course for an expert to sign off: every scan with its key drawn over it.",
        discussion: """
            Writes <out>/review-<course id>.html: per case, the scan with the key's pixel boxes and masks drawn over \
            it, the concealments, the seal findings, the expected decisions and the rationale, in --lang, and a line \
            to sign. The page holds the key: keep it with the grader pack.
            """)

    @Argument(help: ArgumentHelp("The course folder.", valueName: "course"))
    var coursePath: String

    @Option(help: ArgumentHelp("The keys folder of the course (grader pack).", valueName: "dir"))
    var keys: String

    @Option(help: ArgumentHelp("Output folder. Default: the current folder.", valueName: "dir"))
    var out: String = "."

    @Option(help: "Language of the text (en, es, pt). Default: from the environment.")
    var lang: String?

    @Option(help: "Width in pixels of the scans on the page (the key's boxes scale with them).")
    var printWidth: Int = 1600

    @OptionGroup var assetOptions: AssetOptions

    func run() throws {
        do {
            let workspace = try Workspace(assetOptions)
            let language = lang ?? userLanguage()
            let reader = try CourseReader(courseDirectory: URL(fileURLWithPath: coursePath))
            let keysURL = URL(fileURLWithPath: keys)
            var pages: [MarkingGuide.Entry] = []
            for id in reader.caseIds {
                let inspectionCase = try reader.readCase(id)
                let key = try reader.readKey(id, keysDirectory: keysURL)
                let scanFile = reader.fileURL(key.scans.first?.file ?? "scan.png", caseId: id)
                // A print-sized copy keeps the page light; the key's boxes are drawn in the scan's own pixels.
                var png = scanFile.flatMap { FileManager.default.contents(atPath: $0.path) }
                if let data = png, let decoded = try? PNG.decode(Array(data)), decoded.width > printWidth {
                    let small = ContactSheet(columns: 1, thumbnailWidth: printWidth).thumbnail(decoded)
                    png = Data(try PNG.encodeRGB8(width: small.width, height: small.height, pixels: small.pixels))
                }
                var pictures = CasePictures()
                if let png, let scan = key.scans.first {
                    pictures.scan = (
                        "data:image/png;base64," + png.base64EncodedString(), scan.widthPixels, scan.heightPixels
                    )
                }
                pages.append(MarkingGuide.Entry(inspectionCase: inspectionCase, key: key, pictures: pictures))
            }
            let guide = MarkingGuide(
                CaseText(localizer: workspace.localizer, lang: language, catalog: workspace.catalog),
                titleKey: "review.title", introKey: "review.intro")
            let html = guide.html(
                courseId: reader.index.courseId, title: reader.index.title ?? reader.index.courseId, entries: pages)
            let folder = URL(fileURLWithPath: out, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("review-\(reader.index.courseId).html")
            try writeAtomically(Data(html.utf8), to: file)
            print("Wrote \(file.path): \(pages.count) cases")
        } catch {
            fail(error)
        }
    }
}

import CargoModel
import CaseGeneration

/// `course.json`: the index of a course on disk. Trainee-safe.
///
/// It holds what a trainee's tools need to open the course (the case ids in course order), the SHA-256
/// of every file of the trainee and stage packs (so that a missing or changed file is named), and a
/// content hash over them that attempts carry so that an attempt is never graded against another
/// course's key. It never holds a seed, a scenario or anything else from a key: the case ids are opaque
/// and nothing here depends on the keys (`keys/` is not part of the hash).
public struct CourseIndex: Hashable, Sendable, Codable {
    /// The `formatVersion` this build writes and reads.
    public static let currentFormatVersion = 2

    /// Version of the on-disk layout (2: stage packs, per-file digests; 1 until generator 1.6).
    public var formatVersion: Int
    /// Opaque id of the course, chosen by whoever generated it.
    public var courseId: String
    /// A title for people (`Foundation course, cohort 3`).
    public var title: String?
    /// The version of the generator that wrote the cases.
    public var generatorVersion: String
    /// Case ids in course order; each is the name of a folder under `cases/`.
    public var caseIds: [String]
    /// Content hash of the trainee and stage packs: 64 lowercase hex digits (see `CourseHasher`).
    public var courseHash: String
    /// Every file of the trainee and stage packs by its path in the course (`cases/<id>/case.json`,
    /// `stages/screening/<id>/scan.png`, see `CourseLayout`) → its SHA-256 as lowercase hex.
    public var files: [String: String]

    public init(
        formatVersion: Int = CourseIndex.currentFormatVersion, courseId: String, title: String?,
        generatorVersion: String, caseIds: [String], courseHash: String, files: [String: String]
    ) {
        self.formatVersion = formatVersion
        self.courseId = courseId
        self.title = title
        self.generatorVersion = generatorVersion
        self.caseIds = caseIds
        self.courseHash = courseHash
        self.files = files
    }

    /// The files of case `id` listed in `files` (path → digest), with the stage each belongs to.
    public func files(ofCase id: String) -> [(path: String, stage: Stage, sha256: String)] {
        files.compactMap { path, digest in
            guard let owner = CourseLayout.owner(ofPath: path), owner.caseId == id else { return nil }
            return (path, owner.stage, digest)
        }.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The course hash recomputed from `files` (what `courseHash` must equal).
    public var recomputedHash: String {
        var hasher = CourseHasher()
        for id in caseIds { hasher.addCase(id: id, files: files(ofCase: id).map { ($0.path, $0.sha256) }) }
        return hasher.hex
    }
}

/// Only the `formatVersion` of a `course.json`, read first so that an older course gets a clear answer
/// instead of a missing-field error.
struct CourseFormatProbe: Decodable {
    var formatVersion: Int
}

/// Computes a course hash incrementally, case by case in course order.
///
/// The course hash is SHA-256 over, for each case id in course order: the id and a newline, then for
/// each file of the case in the trainee and stage packs, sorted by the UTF-8 bytes of its path in the
/// course (`cases/<id>/case.json`, `stages/screening/<id>/scan.png`): the path, a newline, the file's
/// SHA-256 as lowercase hex, a newline. Names starting with `.` (such as `.DS_Store`, which a file
/// browser may add) are not part of the case and are left out. `course.json` and `keys/` are not
/// hashed. Memory use is constant.
public struct CourseHasher: Sendable {
    private var hasher = FileDigest()

    public init() {}

    /// Adds one case: its id and its files as (path in the course, SHA-256 hex) pairs, in any order.
    public mutating func addCase(id: String, files: [(name: String, sha256: String)]) {
        hasher.update(Array(id.utf8) + [0x0A])
        let sorted = files.filter { !($0.name.split(separator: "/").last ?? "").hasPrefix(".") }.sorted {
            $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        for file in sorted {
            hasher.update(Array(file.name.utf8) + [0x0A] + Array(file.sha256.utf8) + [0x0A])
        }
    }

    /// The course hash so far, as 64 lowercase hex digits.
    public var hex: String { hasher.finalizeHex() }
}

/// `keys/course-seed.json`: the course's secret seed, in the grader pack only.
///
/// Given back to `generate --seed`, the seed reproduces the course byte for byte (same generator
/// version, same mix or spec); whoever holds it holds every answer key of the course.
public struct CourseSeedRecord: Hashable, Sendable, Codable {
    public var courseId: String
    public var generatorVersion: String
    /// The secret as 64 hex digits (`CourseSeed.text`).
    public var courseSeed: String

    public init(courseId: String, generatorVersion: String, seed: CourseSeed) {
        self.courseId = courseId
        self.generatorVersion = generatorVersion
        courseSeed = seed.text
    }
}

/// The rules for case ids and file names in a course.
public enum CourseNames {
    /// The grader pack's record of the course seed (`keys/course-seed.json`); it belongs to no case.
    public static let courseSeedFile = "course-seed.json"

    /// Longest case id accepted (characters).
    public static let maximumCaseIdLength = 64

    /// True when `id` can name a case folder on every platform CargoSim runs on: 1 to 64 ASCII letters,
    /// digits and dashes, not starting with a dash (so that it can never be taken for a CLI option).
    /// This is `InspectionCase.validate()`'s rule plus the length and first-character limits.
    public static func isValidCaseId(_ id: String) -> Bool {
        guard (1...maximumCaseIdLength).contains(id.utf8.count), id.first != "-" else { return false }
        return id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
    }

    /// True when `name` can be a file in a case folder or in `keys/`: 1 to 100 ASCII letters, digits,
    /// dots, dashes and underscores, not starting with a dot or a dash, not ending in `.tmp` (the
    /// writer's scratch suffix).
    public static func isValidFileName(_ name: String) -> Bool {
        guard (1...100).contains(name.utf8.count), let first = name.first, first != ".", first != "-",
            !name.hasSuffix(".tmp")
        else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
        }
    }

    /// The case a file in `keys/` belongs to: the part of its name before the first dot
    /// (`K7Q2.json` and `K7Q2.scene.json` belong to `K7Q2`; case ids contain no dots).
    public static func caseId(ofKeyFile name: String) -> String? {
        guard let dot = name.firstIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[..<dot])
    }
}

/// `course.json`: the index of a course on disk. Trainee-safe.
///
/// It holds what a trainee's tools need to open the course (the case ids in course order) and a
/// content hash that attempts carry so that an attempt is never graded against another course's
/// key. It never holds a seed, a scenario or anything else from a key: the case ids are opaque and
/// nothing here depends on the keys (`keys/` is not part of the hash).
public struct CourseIndex: Hashable, Sendable, Codable {
    /// The `formatVersion` this build writes and reads.
    public static let currentFormatVersion = 1

    /// Version of the on-disk layout (1).
    public var formatVersion: Int
    /// Opaque id of the course, chosen by whoever generated it.
    public var courseId: String
    /// A title for people (`Foundation course, cohort 3`).
    public var title: String?
    /// The version of the generator that wrote the cases.
    public var generatorVersion: String
    /// Case ids in course order; each is the name of a folder under `cases/`.
    public var caseIds: [String]
    /// Content hash of the trainee pack: 64 lowercase hex digits (see `CourseHasher`).
    public var courseHash: String

    public init(
        formatVersion: Int = CourseIndex.currentFormatVersion, courseId: String, title: String?,
        generatorVersion: String, caseIds: [String], courseHash: String
    ) {
        self.formatVersion = formatVersion
        self.courseId = courseId
        self.title = title
        self.generatorVersion = generatorVersion
        self.caseIds = caseIds
        self.courseHash = courseHash
    }
}

/// Computes a course hash incrementally, case by case in course order.
///
/// The course hash is SHA-256 over, for each case id in course order: the id and a newline, then for
/// each file directly in `cases/<id>/`, sorted by the UTF-8 bytes of its name: the file name, a
/// newline, the file's SHA-256 as lowercase hex, a newline. Names starting with `.` (such as
/// `.DS_Store`, which a file browser may add) are not part of the case and are left out.
/// `course.json` and `keys/` are not hashed. Memory use is constant.
public struct CourseHasher: Sendable {
    private var hasher = SHA256()

    public init() {}

    /// Adds one case: its id and its files as (name, SHA-256 hex) pairs, in any order.
    public mutating func addCase(id: String, files: [(name: String, sha256: String)]) {
        hasher.update(Array(id.utf8) + [0x0A])
        let sorted = files.filter { !$0.name.hasPrefix(".") }.sorted {
            $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        for file in sorted {
            hasher.update(Array(file.name.utf8) + [0x0A] + Array(file.sha256.utf8) + [0x0A])
        }
    }

    /// The course hash so far, as 64 lowercase hex digits.
    public var hex: String { hasher.finalizeHex() }
}

/// The rules for case ids and file names in a course.
public enum CourseNames {
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

import CaseBundle
import Foundation
import Testing

/// Course archives uploaded to the console: nothing may leave the folder they are unpacked into.
@Suite("CourseArchive")
struct CourseArchiveTests {
    /// Runs a Python snippet that writes an archive to argv[1]; the archive's URL.
    static func archive(_ script: String, _ name: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return url
    }

    static let header = "import sys, tarfile, zipfile, io\n"

    @Test func aTarGzAndAZipWithOneTopFolderUnpackToTheFolderHoldingCourseJSON() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let tgz = try Self.archive(Self.header + """
            with tarfile.open(sys.argv[1], 'w:gz') as t:
                for name, data in [('week/course.json', b'{}'), ('week/cases/C1/case.json', b'{"a":1}')]:
                    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
            """, "a.tar.gz", in: tmp.url)
        let root = try CourseArchive.unpack(tgz, into: tmp.path("out-tar"))
        #expect(root.lastPathComponent == "week")
        #expect(try String(contentsOf: root.appendingPathComponent("cases/C1/case.json"), encoding: .utf8) == #"{"a":1}"#)
        let zip = try Self.archive(Self.header + """
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('course.json', '{}'); z.writestr('stages/screening/C1/scan.png', b'x' * 5000)
                z.writestr('__MACOSX/._course.json', 'junk')
            """, "a.zip", in: tmp.url)
        let zipRoot = try CourseArchive.unpack(zip, into: tmp.path("out-zip"))
        #expect(try Data(contentsOf: zipRoot.appendingPathComponent("stages/screening/C1/scan.png")).count == 5000)
        #expect(!FileManager.default.fileExists(atPath: zipRoot.appendingPathComponent("__MACOSX").path))
    }

    @Test(arguments: [
        ("../evil.txt", "archive.path"), ("/etc/evil", "archive.path"), ("a/../../evil", "archive.path"),
        ("a/.hidden", "archive.path"),
    ])
    func aPathThatWouldLeaveTheFolderIsRefused(_ name: String, _ code: String) throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let tgz = try Self.archive(Self.header + """
            with tarfile.open(sys.argv[1], 'w:gz') as t:
                info = tarfile.TarInfo(\(String(reflecting: name))); info.size = 4; t.addfile(info, io.BytesIO(b'evil'))
            """, "bad.tar.gz", in: tmp.url)
        let error = #expect(throws: BundleError.self) { try CourseArchive.unpack(tgz, into: tmp.path("out")) }
        #expect(error?.code == code)
        #expect(!FileManager.default.fileExists(atPath: tmp.path("evil.txt").path))
    }

    @Test func linksAndDamagedDataAreRefused() throws {
        let tmp = try TemporaryFolder()
        defer { tmp.remove() }
        let link = try Self.archive(Self.header + """
            with tarfile.open(sys.argv[1], 'w:gz') as t:
                info = tarfile.TarInfo('course.json'); info.type = tarfile.SYMTYPE; info.linkname = '/etc/passwd'
                t.addfile(info)
            """, "link.tar.gz", in: tmp.url)
        #expect((#expect(throws: BundleError.self) { try CourseArchive.unpack(link, into: tmp.path("o1")) })?.code == "archive.entryKind")
        let zipLink = try Self.archive(Self.header + """
            info = zipfile.ZipInfo('course.json'); info.external_attr = 0o120777 << 16
            with zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr(info, '/etc/passwd')
            """, "link.zip", in: tmp.url)
        #expect((#expect(throws: BundleError.self) { try CourseArchive.unpack(zipLink, into: tmp.path("o2")) })?.code == "archive.entryKind")
        let good = try Self.archive(Self.header + """
            with tarfile.open(sys.argv[1], 'w:gz') as t:
                info = tarfile.TarInfo('course.json'); info.size = 2; t.addfile(info, io.BytesIO(b'{}'))
            """, "cut.tar.gz", in: tmp.url)
        let bytes = try Data(contentsOf: good)
        try bytes.prefix(bytes.count / 2).write(to: good)
        #expect((#expect(throws: BundleError.self) { try CourseArchive.unpack(good, into: tmp.path("o3")) })?.code == "archive.corrupt")
        try Data("not an archive".utf8).write(to: tmp.path("plain.txt"))
        #expect((#expect(throws: BundleError.self) { try CourseArchive.unpack(tmp.path("plain.txt"), into: tmp.path("o4")) })?.code == "archive.kind")
    }
}

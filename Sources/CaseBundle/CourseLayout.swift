import CargoModel

/// Where each file of a case lives in a course folder (format 2): the trainee pack holds the start of
/// every case, and each later stage comes in its own stage pack, so that a course handed out offline
/// cannot be read ahead.
///
/// ```
/// course.json                              index (trainee pack)
/// cases/<id>/case.json                     targeting: the papers and the seal record (trainee pack)
/// stages/screening/<id>/screening.json     the radiation reading and the scans' references
/// stages/screening/<id>/scan*.png          the scans
/// stages/examination/<id>/examination.json what each examination point shows, the seal as found
/// stages/examination/<id>/door.svg         the door end
/// stages/evidence/<id>/evidence.json       what the officer has for the custody record
/// keys/                                    grader pack
/// ```
public enum CourseLayout {
    /// The folder of the stage packs.
    public static let stagesFolder = "stages"

    /// The stage whose pack holds a case file named `name`; nil for a name no stage holds.
    ///
    /// `case.json` is targeting; `<stage>.json` is that stage's document; `scan*.png` are screening; `door.svg`
    /// is examination.
    public static func stage(ofCaseFile name: String) -> Stage? {
        if name == "case.json" { return .targeting }
        if name.hasSuffix(".json"), let stage = Stage(rawValue: String(name.dropLast(5))), stage != .targeting {
            return stage
        }
        if name.hasPrefix("scan"), name.hasSuffix(".png") { return .screening }
        if name == "door.svg" { return .examination }
        return nil
    }

    /// The document of a later stage: `screening.json`, `examination.json`, `evidence.json`.
    public static func documentName(of stage: Stage) -> String {
        stage == .targeting ? "case.json" : stage.rawValue + ".json"
    }

    /// The folder of a case's files of `stage`, relative to the course: `cases/<id>` or `stages/<stage>/<id>`.
    public static func folder(of stage: Stage, caseId: String) -> String {
        stage == .targeting ? "cases/\(caseId)" : "\(stagesFolder)/\(stage.rawValue)/\(caseId)"
    }

    /// The path of a case file relative to the course; nil for a name no stage holds.
    public static func path(ofFile name: String, caseId: String) -> String? {
        stage(ofCaseFile: name).map { folder(of: $0, caseId: caseId) + "/" + name }
    }

    /// The case id and stage of a path relative to the course (`stages/screening/C1/scan.png` → C1,
    /// screening); nil for a path outside the case folders.
    public static func owner(ofPath path: String) -> (caseId: String, stage: Stage)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, parts[0] == "cases" { return (parts[1], .targeting) }
        if parts.count == 4, parts[0] == stagesFolder, let stage = Stage(rawValue: parts[1]), stage != .targeting {
            return (parts[2], stage)
        }
        return nil
    }
}

/// The points a physical examination can look at: the seven-point container inspection
/// (C-TPAT), the seal, the reefer unit, the radiation survey and the load.
public enum ExaminationPoint: String, Codable, Sendable, CaseIterable {
    case frontWall, leftSide, rightSide, floor, ceilingRoof, doors, undercarriage
    case seal, reeferUnit, radiationSurvey
    /// The load as first seen when the doors open (the door end).
    case loadDoorEnd
    /// The load after devanning, or at a region marked on the scan.
    case loadInterior

    /// The seven points of the C-TPAT container inspection.
    public static let sevenPoint: [ExaminationPoint] = [
        .frontWall, .leftSide, .rightSide, .floor, .ceilingRoof, .doors, .undercarriage,
    ]
}

/// What looking at one point shows, as a code with parameters (text in `Assets/i18n/` under
/// `observation.<code>`). Clean cases get observations too: a measurement that agrees is as
/// much a reading as one that does not.
public struct Observation: Hashable, Sendable, Codable {
    public var point: ExaminationPoint
    public var code: ObservationCode
    /// Values the text needs (`insideMM`, `outsideMM`, `differenceMM`), all as strings.
    public var parameters: [String: String]
    /// Values that are words (the goods found), in every language; nil when there are none.
    public var localizedParameters: [String: LocalizedText]?

    public init(
        point: ExaminationPoint, code: ObservationCode, parameters: [String: String] = [:],
        localizedParameters: [String: LocalizedText]? = nil
    ) {
        self.point = point
        self.code = code
        self.parameters = parameters
        self.localizedParameters = localizedParameters?.isEmpty == true ? nil : localizedParameters
    }

    /// The parameters for a text in `language`: the plain ones and the localised ones in that language.
    public func parameters(in language: String) -> [String: String] {
        parameters.merging((localizedParameters ?? [:]).mapValues { $0.text(in: language) }) { _, localized in localized
        }
    }
}

/// Everything an examining officer can report at a point. Stable codes.
public enum ObservationCode: String, Codable, Sendable, CaseIterable {
    // Measurements that every case carries.
    case internalLengthMeasured, internalHeightMeasured
    // Normal findings, including the harmless things real boxes show.
    case noIrregularity, oldRepairPatch, dentsAndScratches, surfaceRust
    // Front wall.
    case frontWallFreshPaint, frontWallNonStandardFasteners
    // Sides, roof, floor, undercarriage.
    case freshWeldSeam, panelCutAndRewelded, ceilingPanelNew, floorBoardsReplaced, floorScrewsDisturbed
    case crossMemberBoxWelded
    // Doors and structure.
    case hingePinsReplaced, hingeRivetsReplaced, doorPanelFastenersNonStandard, doorPanelHollowSoundAbsent
    case containerNumberAsPainted
    // Seal.
    case sealAsFound, sealToolMarks, sealGlueOrPaint, sealSpinsFreely, sealBoltBushMismatch, sealMakerMarkDiffers
    case sealFontDiffers
    // Reefer.
    case reeferRunningAtSetPoint, reeferSwitchedOff, reeferPanelFastenersDisturbed, reeferInsulationIrregular
    // Radiation survey.
    case radiationIsotopeIdentified, radiationNoSourceFound
    // Load.
    case loadAsDeclared, loadBagsBehindDoors, loadDiffersFromManifest, loadCartonsContainOtherGoods
    case loadWallOfCargoHidesVehicle, loadPersonsFound, loadSpaceEmpty, loadFirearmsInGoods, loadChemicalOdour
    case loadCountShort, loadExtraPackages
}

/// What the examining officer sees of the seal at the door.
public struct ObservedSeal: Hashable, Sendable, Codable {
    /// The number read on the seal body.
    public var numberRead: String
    public var kind: SealKind
    public var securityClass: SealClass
    /// The maker's mark (seal-maker catalogue id).
    public var makerMark: String
    /// Numbers laser-marked on bolt and bush (bolt seals only; they should be equal).
    public var boltNumber: String?
    public var bushNumber: String?
    /// Lettering style of the number (`laser-dot`, `laser-solid`, `stamped`, `printed`).
    public var font: String
    /// The VVTT result an officer gets on this seal.
    public var check: VVTTCheck

    public init(
        numberRead: String, kind: SealKind, securityClass: SealClass, makerMark: String, boltNumber: String?,
        bushNumber: String?, font: String, check: VVTTCheck
    ) {
        self.numberRead = numberRead
        self.kind = kind
        self.securityClass = securityClass
        self.makerMark = makerMark
        self.boltNumber = boltNumber
        self.bushNumber = bushNumber
        self.font = font
        self.check = check
    }
}

/// The radiation portal monitor's reading as the container passed the gate.
public struct RadiationReading: Hashable, Sendable, Codable {
    public var gammaCountsPerSecond: Int
    public var backgroundCountsPerSecond: Int
    public var gammaAlarm: Bool
    public var neutronAlarm: Bool

    public init(gammaCountsPerSecond: Int, backgroundCountsPerSecond: Int, gammaAlarm: Bool, neutronAlarm: Bool) {
        self.gammaCountsPerSecond = gammaCountsPerSecond
        self.backgroundCountsPerSecond = backgroundCountsPerSecond
        self.gammaAlarm = gammaAlarm
        self.neutronAlarm = neutronAlarm
    }
}

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
    // Added in generator 1.9: records and reach.
    /// The owner's depot repair record (estimate of repair, EOR) for work at this point is on file.
    /// Parameters: `reference`, `depot` (UN/LOCODE), `month` (`YYYY-MM`).
    case repairRecordOnFile
    /// The point could not be looked at without devanning: the load is in the way. Parameters: none.
    case notReachableLoadInTheWay
    // Added in generator 1.10: the occupancy check before the doors open.
    /// A CO₂ probe between the door gaskets. Parameters: `ppm` (inside), `ambientPPM` (the open air).
    case doorsCarbonDioxideMeasured
    /// A heartbeat detector on the box: a rhythmic signal, or none.
    case doorsHeartbeatSignal, doorsHeartbeatQuiet
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

/// The safety approval plate every container in international traffic carries under the International Convention for
/// Safe Containers (CSC 1972, Annex I, regulation 1 and its appendix), on the left door.
public struct CSCPlate: Hashable, Sendable, Codable {
    /// Country of approval and approval reference (`GB-LR/1234/2014`).
    public var approvalReference: String
    /// Month of manufacture, `YYYY-MM`.
    public var manufactured: String
    /// The manufacturer's identification number of the unit.
    public var manufacturerNumber: String
    /// Maximum operating gross mass (kg).
    public var maxOperatingGrossKG: Int
    /// Allowable stacking load for 1.8 g (kg).
    public var allowableStackingKG: Int
    /// Transverse racking test load value (kg).
    public var transverseRackingKG: Int
    /// The approved continuous examination programme (`ACEP/GB/LR/01/2014`), or the date of the next periodic
    /// examination (`NEXT EXAM 2027-05`).
    public var examination: String

    public init(
        approvalReference: String, manufactured: String, manufacturerNumber: String, maxOperatingGrossKG: Int,
        allowableStackingKG: Int, transverseRackingKG: Int, examination: String
    ) {
        self.approvalReference = approvalReference
        self.manufactured = manufactured
        self.manufacturerNumber = manufacturerNumber
        self.maxOperatingGrossKG = maxOperatingGrossKG
        self.allowableStackingKG = allowableStackingKG
        self.transverseRackingKG = transverseRackingKG
        self.examination = examination
    }
}

/// What is painted on the right door of a container (ISO 6346 operational markings) and the CSC plate: the figures
/// an officer reads to check a VGM and a load.
public struct DoorMarkings: Hashable, Sendable, Codable {
    /// Maximum gross mass (MGW, MAX. GROSS), kg.
    public var maxGrossKG: Int
    /// Tare (kg): the empty container.
    public var tareKG: Int
    /// Payload (NET, PAYLOAD): max gross minus tare (kg).
    public var payloadKG: Int
    /// Cubic capacity (CU.CAP.), m³ to one decimal.
    public var cubicCapacityM3: Double
    public var cscPlate: CSCPlate

    public init(maxGrossKG: Int, tareKG: Int, payloadKG: Int, cubicCapacityM3: Double, cscPlate: CSCPlate) {
        self.maxGrossKG = maxGrossKG
        self.tareKG = tareKG
        self.payloadKG = payloadKG
        self.cubicCapacityM3 = cubicCapacityM3
        self.cscPlate = cscPlate
    }
}

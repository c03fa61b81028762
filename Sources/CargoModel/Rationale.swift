/// Why the key decides as it does: codes with parameters, rendered from `Assets/i18n/`
/// (`rationale.<code>`, with `{parameter}` placeholders). Stable codes.
public enum RationaleCode: String, Codable, Sendable, CaseIterable {
    /// Documents, seal and container agree; nothing is hidden. Parameters: none.
    case consistentShipment
    /// A trusted trader with a long record. Parameters: `programme`, `years`.
    case trustedTraderRecord
    /// A red flag with an innocent explanation. Parameters: `indicator`, `explanation` (an `explanation.*` key).
    case harmlessRedFlag
    /// Clean documents do not clear a container. Parameters: none.
    case cleanPapersDoNotClear
    /// The seal on the door is a copy. Parameters: `expectedMaker`, `foundMaker`, `expectedFont`, `foundFont`.
    case sealCloned
    /// Bolt and bush carry different numbers. Parameters: `bolt`, `bush`.
    case sealBoltBushMismatch
    /// The seal changed at a transhipment with no record. Parameters: `port`, `before`, `after`.
    case sealChangedWithoutRecord
    /// Signs the seal was opened and re-closed. Parameters: `signs` (comma-separated observation codes).
    case sealTampered
    /// The manifest's seal number is a clerical error; the seal is the logged one. Parameters: `manifest`, `seal`.
    case sealNumberClericalError
    /// Indicative seal where high security is required. Parameters: `found`, `required`.
    case sealClassNonCompliant
    /// Bags at the door end behind a replaced seal. Parameters: `massKG`, `threat`.
    case ripOnRipOff
    /// The seal is intact but the box was entered another way. Parameters: `method`.
    case sealBypassed
    /// Where the concealment is and what it holds. Parameters: `kind`, `zone`, `threat`, `massKG`.
    case concealmentLocated
    /// Inside length short of the box's. Parameters: `insideMM`, `expectedMM`, `differenceMM`.
    case lengthDeficit
    /// Inside height short of the box's. Parameters: `insideMM`, `expectedMM`, `differenceMM`.
    case heightDeficit
    /// VGM departs from tare plus cargo. Parameters: `vgmKG`, `expectedKG`, `differencePercent`.
    case vgmDeparts
    /// HS code and description disagree. Parameters: `hsCode`, `hsMeaning`, `description`.
    case hsCodeDisagrees
    /// A description that names no goods. Parameters: `description`.
    case vagueDescriptionUsed
    /// A route no trader would choose. Parameters: `route`.
    case circuitousRoute
    /// A consignee with no history. Parameters: `consignee`.
    case unknownConsignee
    /// The container number fails its check digit; the box's own number is valid. Parameters: `declared`, `painted`.
    case checkDigitClericalError
    /// A running reefer with goods that need no cold. Parameters: `goods`.
    case reeferWithoutNeed
    /// A legitimate exporter's load contaminated before sealing or at the terminal. Parameters: `origin`.
    case contaminatedExport
    /// Firearms moving from a source market southbound. Parameters: `origin`.
    case firearmsTrafficking
    /// Cigarettes declared as other goods. Parameters: `declared`.
    case cigarettesMisdeclared
    /// Drug precursors or dual-use goods not declared as such. Parameters: `declared`, `actual`, `table` (I or II of
    /// the 1988 Convention).
    case precursorUndeclared
    /// The portal alarm comes from naturally radioactive goods. Parameters: `nuclide`, `goods`.
    case naturalRadioactivity
    /// The portal alarm comes from a real source. Parameters: `nuclide`.
    case radioactiveSourceFound
    /// People inside: open at once, medical help first. Parameters: `count`.
    case personsFound
    /// A vehicle behind a wall of cargo. Parameters: none.
    case vehicleHidden
    /// The box is empty or nearly so although declared full. Parameters: `declaredKG`.
    case emptyDespiteManifest
    /// The box is loaded although declared empty. Parameters: `estimatedKG`.
    case loadedDespiteManifest
    /// Undeclared goods beside the declared ones. Parameters: `goods`.
    case undeclaredGoodsFound
    /// Goods other than those declared. Parameters: `declared`, `actual`.
    case goodsDifferFromDeclaration
    /// Custody: photograph before touching, keep the removed seal, a witness, a new seal. Parameters: none.
    case custodyOrder
    /// Hand the case to an agency. Parameters: `agency`.
    case handToAgency
    /// Alert the destination port rather than stop the box here. Parameters: `port`.
    case alertDestination
    /// A clean case whose flags or findings all have harmless explanations (each given in its own item): nothing is
    /// hidden. Used instead of `consistentShipment` whenever the case shows anything at all. Parameters: none.
    case nothingHidden
    /// An examination finding with an innocent explanation. Parameters: `point`, `explanation` (an `explanation.*`
    /// key); the finding's observation code is kept as well, under the name observation, for graders' tools.
    case harmlessFinding
    /// The examination did not reach the concealment (the load in the way, cartons not sampled): the scan's
    /// evidence stands unexplained, so the box is devanned in full. Parameters: `kind` (an anomaly kind).
    case examinationDidNotReach
}

/// Discrepancies the generator plants between two sources. Stable codes.
public enum DiscrepancyCode: String, Codable, Sendable, CaseIterable {
    case sealNumberManifestVersusLog, sealNumberLogVersusDoor, sealMaker, sealFont, sealBoltVersusBush
    case containerCheckDigit, vgmVersusDeclared, hsCodeVersusDescription, internalLength, internalHeight
    case goodsVersusDeclaration, massVersusDeclaration
}

/// What makes a case harder, each in [0, 1]. Stable codes.
public enum DifficultyFactorCode: String, Codable, Sendable, CaseIterable {
    /// Small against the container (concealment volume share, inverted).
    case targetSize
    /// Hidden behind or inside other cargo.
    case obscuration
    /// The documents show no red flag.
    case cleanPapers
    /// Harmless red flags to see through.
    case misleadingFlags
    /// How subtle the seal's tell-tales are.
    case sealSubtlety
    /// How dense and cluttered the load is.
    case loadClutter
    /// The concealment hardly stands out in the scan (low contrast-to-noise; 0 until rendered).
    case lowContrast
}

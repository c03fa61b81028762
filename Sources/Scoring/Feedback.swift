import CargoModel

/// What feedback can say, as stable codes (text in `Assets/i18n/` under `feedback.<code>`, with
/// `{parameter}` placeholders).
public enum FeedbackCode: String, Sendable, Codable, CaseIterable {
    /// Parameters: `percent`. Shown in test mode too.
    case score
    /// Parameters: `stage`, `disposition`.
    case stageRight
    /// Parameters: `stage`, `chosen`, `expected`.
    case stageWrong
    /// Parameters: `agency`, `expectedAgency`.
    case wrongAgency
    /// Something was hidden and the box was released. Parameters: none.
    case concealmentMissed
    /// A clean box was stopped. Parameters: none.
    case unneededStop
    /// Parameters: `kind` (an anomaly kind).
    case regionFound
    /// Parameters: `kind`.
    case regionMissed
    /// Parameters: `count`.
    case falseMarks
    /// A mark covering most of the scan. Parameters: `count`.
    case markTooBroad
    /// Parameters: `indicator`.
    case indicatorSpotted
    /// Parameters: `indicator`.
    case indicatorMissed
    /// Parameters: `indicator`.
    case indicatorNotPresent
    /// Parameters: `finding`.
    case sealFindingRight
    /// Parameters: `finding`.
    case sealFindingMissed
    /// Parameters: `finding`.
    case sealFindingWrong
    /// Parameters: `point`.
    case pointNotExamined
    /// Parameters: `step`.
    case custodyStepMissing
    /// Parameters: `step`, `before`.
    case custodyOrder
    /// Parameters: `stage`, `seconds`, `limit`.
    case slowDecision
}

/// One feedback statement.
public struct FeedbackItem: Hashable, Sendable, Codable {
    public var code: FeedbackCode
    public var parameters: [String: String]

    public init(_ code: FeedbackCode, _ parameters: [String: String] = [:]) {
        self.code = code
        self.parameters = parameters
    }
}

/// What a trainee is told after a case.
///
/// In training mode: the score, what was right, what was missed, and why (the key's rationale codes).
/// In test mode: the score only; nothing that reveals the key.
public struct Feedback: Hashable, Sendable, Codable {
    public var mode: AttemptMode
    public var items: [FeedbackItem]
    /// The key's reasons; empty in test mode.
    public var rationale: [RationaleItem]

    public init(mode: AttemptMode, items: [FeedbackItem], rationale: [RationaleItem]) {
        self.mode = mode
        self.items = items
        self.rationale = rationale
    }

    /// The feedback as lines of text in a language, through a translation function
    /// `(key, parameters) -> text` (the CLI passes `Localizer.text`). Parameters that are codes
    /// (stage, disposition, indicator …) are translated first; the rationale's words (goods names) are taken in
    /// `language` when the key has them in every language.
    public func render(language: String = "en", _ text: (String, [String: String]) -> String) -> [String] {
        items.map { text("feedback.\($0.code.rawValue)", Self.translated($0.parameters, text)) }
            + rationale.map { Self.line(of: $0, language: language, text) }
    }

    /// One reason of a key as a sentence (`rationale.<code>`), its coded parameters translated: what the
    /// feedback, the debrief and the printed marking guide all say.
    public static func line(
        of item: RationaleItem, language: String, _ text: (String, [String: String]) -> String
    ) -> String {
        text("rationale.\(item.code.rawValue)", translated(item.parameters(in: language), text))
    }

    static func translated(_ parameters: [String: String], _ text: (String, [String: String]) -> String) -> [String:
        String]
    {
        var out = parameters
        for (name, value) in parameters {
            if let family = parameterFamilies[name] {
                out[name] = text("\(family).\(value)", [:])
            } else if name == "signs" {
                // A comma-separated list of observation codes.
                out[name] = value.split(separator: ",").map { text("observation.\($0)", [:]) }.joined(separator: "; ")
            }
        }
        return out
    }

    /// Parameter names whose values are codes of an i18n family.
    static let parameterFamilies: [String: String] = [
        "stage": "stage", "disposition": "disposition", "chosen": "disposition", "expected": "disposition",
        "indicator": "indicator", "finding": "sealFinding", "point": "point", "step": "evidenceStep",
        "before": "evidenceStep", "kind": "anomaly", "agency": "agency", "expectedAgency": "agency", "threat": "threat",
        "zone": "zone", "explanation": "explanation", "method": "observation", "programme": "trustedTrader",
    ]
}

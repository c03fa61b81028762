#!/usr/bin/env python3
"""Checks CargoSim's data assets: the catalogue (Assets/catalog/) and the translations (Assets/i18n/).

Run from anywhere:  python3 Assets/check_assets.py
Exits 0 when everything passes and 1 (after listing every problem) otherwise.

What it checks:
  * every JSON file parses, is UTF-8 and is written in canonical form (2-space indent, keys sorted,
    non-ASCII kept as is, trailing newline), i.e. exactly what
    json.dump(obj, f, indent=2, sort_keys=True, ensure_ascii=False) plus "\\n" produces;
  * each catalogue record has exactly the fields of its Swift type, of the right JSON type, and values
    in range (HS codes at level 6 of the HS table, well-formed and unique UN/LOCODEs, positive numbers,
    net ratio in (0, 1], known package kinds, materials, tags, regions and seal kinds);
  * en.json, es.json and pt.json (and fr.json if present) have the same keys and, per key, the same
    {placeholders};
  * every text key the web workspace (Assets/web/) names literally exists in en.json;
  * every case of every enum the UI names has its key, read from the Swift sources with a regex, and
    the placeholders of the keys whose parameters are known (rationale codes from their doc comments,
    observations, CLI messages) are exactly those.

Needs only the Python 3 standard library.
"""

import csv
import json
import math
import re
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent
ROOT = ASSETS.parent
CATALOG = ASSETS / "catalog"
I18N = ASSETS / "i18n"
SOURCES = ROOT / "Sources"

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


# ---------------------------------------------------------------------------------------------
# Vocabularies that live only in doc comments or in the design (not in a Swift enum).

REGIONS = {"caribbean", "centralAmerica", "southAmericaPacific", "southAmericaAtlantic", "northAmerica", "europe",
           "westAfrica", "mediterranean", "middleEast", "southAsia", "eastAsia", "southeastAsia"}
PORT_TAGS = {"cocaine-source", "firearms-source", "freezone", "transit-hub", "destination-market"}
COMMODITY_TAGS = {"drug-cover", "firearm-cover", "cigarette-cover", "norm", "scrap", "precursor", "dual-use",
                  "vehicle"}
MATERIALS = {"fruit", "vegetables", "frozen-meat", "frozen-fish", "flowers", "coffee", "cocoa", "grain", "sugar",
             "paper", "wood", "furniture", "textiles", "plastics", "rubber", "ceramic", "stone", "glass", "steel",
             "aluminium", "copper", "machinery", "electronics", "appliances", "vehicle", "tyres",
             "chemicals-organic", "chemicals-inorganic", "fertilizer", "liquid-water-based", "oil", "wine",
             "household-goods", "scrap-metal", "tobacco"}
SEAL_FONTS = {"laser-dot", "laser-solid", "stamped", "printed"}

# Parameters each observation text takes (Observation.parameters); codes not listed take none.
OBSERVATION_PARAMETERS = {
    "internalLengthMeasured": {"insideMM", "outsideMM", "differenceMM"},
    "internalHeightMeasured": {"insideMM", "outsideMM", "differenceMM"},
    "containerNumberAsPainted": {"number"},
    "sealAsFound": {"number"},
    "sealBoltBushMismatch": {"bolt", "bush"},
    "sealMakerMarkDiffers": {"found"},
    "sealFontDiffers": {"found"},
    "radiationIsotopeIdentified": {"nuclide"},
    "loadCountShort": {"counted", "declared"},
    "loadExtraPackages": {"counted", "declared"},
    "repairRecordOnFile": {"reference", "depot", "month"},
    "loadDiffersFromManifest": {"found"},
    "loadCartonsContainOtherGoods": {"found"},
    "loadPersonsFound": {"count"},
    "reeferRunningAtSetPoint": {"setPointC", "ventilation"},
    "doorsCarbonDioxideMeasured": {"ppm", "ambientPPM"},
}
EXPLANATIONS = ["newBusinessVerified", "forwarderConsolidation", "hubTranshipment", "carrierNetworkRouting",
                "nonOperatingReefer", "typoCorrectedByAmendment", "smallForwarderCashAccount", "mixedLoadDensity",
                "seasonalExporter", "sealReplacedWithRecord", "consolidatedHouseBills", "hsCodeKeyingError",
                "vgmCorrectedByTerminal", "volumeKeyingError", "replacementRecordLate", "indicativeSealOnLane",
                "checkDigitTypo", "naturallyRadioactiveGoods", "newExporterVerified", "depotRepairOnRecord",
                "depotRepairRecordMissing", "doorPanelReinforced", "reeferServiced", "wetInsulation",
                "sealHandlingMarks", "paintOverspray", "sealDesignRotates", "makerBatchLettering",
                "sealRecordNamesDistributor", "fumigationResidue", "tallyError", "precursorAuthorised",
                "respiringCargo", "heartbeatFalseAlarm"]
LABELS = """case vantage inspectionPort inspectionDate billOfLading issued shipper consignee notifyParty carrier vessel
voyage placeOfReceipt portOfLoading transhipment portOfDischarge placeOfDelivery onBoard eta freightTerms
freightPayment container containerType seals goods hsCode description packages grossKG netKG volumeM3 marks
totalGross vgm vgmMethod signatory sealLog event actor place time numberRead vvtt view verify tug twist recordedBy
radiation gammaCPS backgroundCPS gammaAlarm neutronAlarm scans examination observations sealAsFound boltNumber
bushNumber makerMark font replacementSeal answerKey scenario irregular threat difficulty expectations best acceptable
anomalies indicators discrepancies sealFindings essentialPoints significant evidenceSteps rationale yes no none
trustedTrader yearsTrading shipmentsLast12Months freightForwarder amendments slac harmless seed zone massKG material
geometryMM""".split()
CLI_PARAMETERS = {
    "generating": {"count"}, "wrote": {"count", "path"}, "traineePack": {"path"}, "graderPack": {"path"},
    "howToLook": {"command"}, "validOK": {"path"}, "guessableSeedWarning": {"seed"}, "givenSeedWarning": set(), "seedKept": {"path"},
    "stageHidden": set(), "stageNotReleased": {"stage"}, "traineePackWritten": {"path", "stage", "count"},
    "serving": {"url", "db"}, "lanAddress": {"url", "code"}, "noLanAddress": set(), "stopServer": set(),
    "demoAccounts": {"path"}, "demoCourse": {"id", "title", "count"}, "demoTestCourse": {"id", "title", "count"},
}

# i18n key prefix -> Swift enum whose cases need a key.
ENUM_PREFIXES = {
    "stage": "Stage", "vantage": "Vantage", "disposition": "Disposition", "agency": "Agency",
    "sealFinding": "SealFinding", "evidenceStep": "EvidenceStep", "point": "ExaminationPoint",
    "threat": "ThreatCategory", "anomaly": "AnomalyKind", "zone": "ContainerZone", "sealClass": "SealClass",
    "sealKind": "SealKind", "sealEvent": "SealEvent", "sealActor": "SealActor", "package": "PackageKind",
    "freightTerms": "FreightTerms", "freightPayment": "FreightPayment", "trustedTrader": "TrustedTraderStatus",
    "vgmMethod": "VGMMethod", "billOfLadingKind": "BillOfLadingKind", "containerFamily": "Family", "clock": "ClockSource", "mode": "AttemptMode",
    "discrepancy": "DiscrepancyCode", "difficultyFactor": "DifficultyFactorCode", "scenario": "Scenario",
    "sealStory": "SealStory", "indicator": "RiskIndicator", "observation": "ObservationCode",
    "rationale": "RationaleCode",
    # Scoring: feedback, report labels, item flags, certificate roles.
    "feedback": "FeedbackCode", "report": "ReportLabel", "report.flag": "ItemFlag",
    "certificate.role": "CertificationRole",
}

# Scoring and certification keys that no enum lists: key -> placeholders.
SCORING_KEYS = {
    "certificate.title": set(), "certificate.policy": set(), "certificate.issued": set(), "certificate.expires": set(),
    "certificate.howToVerify": {"id", "keyId"},
    **{f"figure.{f}": set() for f in ["concealmentCases", "cleanCases", "hits", "falseAlarms", "hitRate",
                                      "falseAlarmRate", "dPrime", "dPrimeLower", "dPrimeUpper", "aPrime", "criterion",
                                      "kappa", "weightedKappa", "alpha"]},
    **{f"reason.{r}": set() for r in ["concealmentCases", "cleanCases", "hitRate", "falseAlarmRate", "dPrime",
                                      "dPrimeLowerBound", "localisationRate", "kappa", "weightedKappa", "alpha",
                                      "supervisedDelivery", "pass", "fail", "calibrationItems", "calibrationTrainees"]},
    "reason.casesOfKind": {"kind"}, "reason.stageDPrime": {"stage"},
    "decision.granted": {"subject", "role", "policy"}, "decision.refused": {"subject", "role", "policy"},
    "evidence.notCounted": {"trainee", "attempts", "distinct", "training", "repeats", "lines"},
    "evidence.ignored.trainingMode": {"file", "line", "caseId"},
    "evidence.ignored.repeatedCase": {"file", "line", "caseId", "counted"},
    "evidence.counted": {"distinct", "ignored"},
    "accuracy.form": {"concealment", "clean", "trainees", "kr20", "sem"},
    "accuracy.cut": {"bar", "se"},
    "accuracy.rates": {"falsePass", "below", "falseFail", "above", "atBar"},
    "accuracy.curve": {"curve"},
}

# ---------------------------------------------------------------------------------------------
# Swift sources.

def swift_source():
    if not SOURCES.is_dir():
        return ""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SOURCES.rglob("*.swift")))


def enum_body(src, name):
    m = re.search(r"\benum\s+" + re.escape(name) + r"\b[^{]*\{", src)
    if not m:
        return None
    i, depth = m.end(), 1
    j = i
    while depth and j < len(src):
        if src[j] == "{":
            depth += 1
        elif src[j] == "}":
            depth -= 1
        j += 1
    body, top, depth = src[i:j - 1], [], 0
    for ch in body:  # keep only the enum's own level (drop method bodies)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            top.append(ch)
    return "".join(top)


def enum_cases(src, name):
    """Raw values of a Swift String enum, in order (the explicit raw value when given, else the name)."""
    body = enum_body(src, name)
    if body is None:
        return None
    cases = []
    for line in body.splitlines():
        line = line.split("//")[0].strip()
        m = re.match(r"case\s+(.+)", line)
        if not m:
            continue
        for part in m.group(1).split(","):
            mm = re.match(r"\s*`?(\w+)`?\s*(?:=\s*\"([^\"]*)\")?", part)
            if mm and mm.group(1):
                cases.append(mm.group(2) if mm.group(2) is not None else mm.group(1))
    return cases


def rationale_parameters(src, enum="RationaleCode"):
    """Enum case -> set of parameter names, from the '/// ... Parameters: `a`, `b`.' doc comments."""
    body = enum_body(src, enum)
    if body is None:
        return {}
    out, doc = {}, []
    for line in body.splitlines():
        s = line.strip()
        if s.startswith("///"):
            doc.append(s[3:])
            continue
        m = re.match(r"case\s+(\w+)", s)
        if m:
            text = " ".join(doc)
            pm = re.search(r"Parameters:\s*(.*)", text)
            if pm:
                out[m.group(1)] = set(re.findall(r"`(\w+)`", pm.group(1)))
            doc = []
        elif s:
            doc = []
    return out


def tank_capacity_m3(src):
    m = re.search(r'code:\s*"22T1".*?capacityLitres:\s*([\d_]+)', src, re.S)
    return int(m.group(1).replace("_", "")) / 1000 if m else 24.0


# ---------------------------------------------------------------------------------------------
# JSON helpers.

def load_json(path):
    rel = path.relative_to(ROOT)
    try:
        raw = path.read_bytes()
    except OSError as e:
        problem(rel, f"cannot read ({e})")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problem(rel, f"not UTF-8 ({e})")
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        problem(rel, f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}")
        return None
    canonical = json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if text != canonical:
        problem(rel, "not in canonical form: write it with json.dump(obj, f, indent=2, sort_keys=True, "
                     "ensure_ascii=False) and a trailing newline")
    return obj


def check_fields(where, obj, fields, optional=()):
    """fields: name -> type or tuple of types. Reports missing, unknown and mistyped fields."""
    if not isinstance(obj, dict):
        problem(where, "expected an object")
        return False
    ok = True
    for name, typ in fields.items():
        if name not in obj:
            problem(where, f"missing field '{name}'")
            ok = False
        elif not isinstance(obj[name], typ) or (typ in (int, float, (int, float)) and isinstance(obj[name], bool)):
            problem(where, f"field '{name}' has the wrong type ({type(obj[name]).__name__})")
            ok = False
    for name in obj:
        if name not in fields and name not in optional:
            problem(where, f"unknown field '{name}' (Swift's decoder would ignore it: check the spelling)")
    return ok


def check_localized(where, obj):
    if not check_fields(where, obj, {"en": str, "es": str, "pt": str}, optional=("fr",)):
        return
    for lang in ("en", "es", "pt", "fr"):
        if lang in obj and (not isinstance(obj[lang], str) or not obj[lang].strip()):
            problem(where, f"'{lang}' text is empty")


def positive(where, name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        problem(where, f"'{name}' must be a positive number (got {value!r})")
        return False
    return True


def string_list(where, name, value, pattern=None, min_count=1, unique=True):
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        problem(where, f"'{name}' must be a list of non-empty strings")
        return
    if len(value) < min_count:
        problem(where, f"'{name}' needs at least {min_count} entries (has {len(value)})")
    if unique and len(set(value)) != len(value):
        dupes = sorted({x for x in value if value.count(x) > 1})
        problem(where, f"'{name}' repeats {', '.join(dupes)}")
    if pattern:
        for x in value:
            if not re.fullmatch(pattern, x):
                problem(where, f"'{name}' entry {x!r} is malformed")


# ---------------------------------------------------------------------------------------------
# Catalogue.

KEBAB = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ISO2 = r"[A-Z]{2}"
LOCODE = r"[A-Z]{2}[A-Z2-9]{3}"


def hs_level6():
    path = CATALOG / "harmonized-system.csv"
    codes = {}
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != ["section", "hscode", "description", "parent", "level"]:
                problem(path.relative_to(ROOT), f"unexpected header {reader.fieldnames}")
            for row in reader:
                if row.get("level") == "6":
                    codes[row["hscode"]] = row["description"]
    except OSError as e:
        problem("Assets/catalog/harmonized-system.csv", f"cannot read ({e})")
    if codes and len(codes) < 5000:
        problem("Assets/catalog/harmonized-system.csv", f"only {len(codes)} level-6 rows; is the file complete?")
    return codes


def check_commodities(hs, package_kinds, src):
    data = load_json(CATALOG / "commodities.json")
    if data is None:
        return []
    if not isinstance(data, list):
        problem("commodities.json", "expected an array")
        return []
    tank_m3 = tank_capacity_m3(src)
    seen = set()
    fields = {"id": str, "hsCode": str, "description": dict, "packageKind": str, "packageGrossKG": (int, float),
              "packageVolumeM3": (int, float), "netRatio": (int, float), "material": str, "perishable": bool,
              "liquidBulk": bool, "origins": list, "tags": list, "markets": list, "trade": str}
    optional = ("reefer", "packageLengthMM", "maxTransitDays", "dangerousGoods", "precursorTable")
    for i, c in enumerate(data):
        where = f"commodities.json[{i}]" + (f" ({c.get('id')})" if isinstance(c, dict) else "")
        if not check_fields(where, c, fields, optional=optional):
            continue
        TRADES.add(c["trade"])
        if "dangerousGoods" in c and check_fields(where + ".dangerousGoods", c["dangerousGoods"], {
                "unNumber": str, "properShippingName": str, "hazardClass": str}, optional=("packingGroup",)):
            dg = c["dangerousGoods"]
            if not re.fullmatch(r"UN\d{4}", dg["unNumber"]):
                problem(where, f"UN number {dg['unNumber']!r} must be UN and four digits")
            if dg.get("packingGroup") not in (None, "I", "II", "III"):
                problem(where, "packing group must be I, II or III")
        if c.get("precursorTable") not in (None, "I", "II"):
            problem(where, "precursorTable must be I or II (1988 Convention)")
        string_list(where, "markets", c["markets"])
        for m in c["markets"]:
            if m not in REGIONS:
                problem(where, f"market {m!r} is not a region")
        if c["perishable"] != ("reefer" in c):
            problem(where, "a perishable needs its reefer regime, and only a perishable has one")
        if "reefer" in c and check_fields(where + ".reefer", c["reefer"], {
                "setPointC": (int, float), "lowestC": (int, float), "highestC": (int, float), "ventilationM3h": int}):
            r = c["reefer"]
            if not r["lowestC"] <= r["setPointC"] <= r["highestC"]:
                problem(where, "the reefer set point must lie within lowestC..highestC")
            if r["highestC"] <= -18 and r["ventilationM3h"] != 0:
                problem(where, "frozen goods travel with the fresh-air vent closed (ventilationM3h 0)")
            if r["lowestC"] < -18 < r["highestC"]:
                problem(where, "a reefer regime is frozen (at most -18 °C) or chilled, not both")
        if "packageLengthMM" in c and not (isinstance(c["packageLengthMM"], int) and 100 <= c["packageLengthMM"] <= 13500):
            problem(where, "packageLengthMM must be whole millimetres from 100 to 13,500 (a 45-footer's inside)")
        if not re.fullmatch(KEBAB, c["id"]):
            problem(where, "id must be kebab-case")
        if c["id"] in seen:
            problem(where, "duplicate id")
        seen.add(c["id"])
        if not re.fullmatch(r"\d{6}", c["hsCode"]):
            problem(where, f"hsCode {c['hsCode']!r} must be six digits")
        elif hs and c["hsCode"] not in hs:
            problem(where, f"hsCode {c['hsCode']} is not a level-6 row of harmonized-system.csv")
        check_localized(where + ".description", c["description"])
        if package_kinds and c["packageKind"] not in package_kinds:
            problem(where, f"packageKind {c['packageKind']!r} is not a PackageKind case")
        ok = positive(where, "packageGrossKG", c["packageGrossKG"]) & positive(where, "packageVolumeM3",
                                                                               c["packageVolumeM3"])
        if not (isinstance(c["netRatio"], (int, float)) and 0 < c["netRatio"] <= 1):
            problem(where, f"netRatio must be in (0, 1] (got {c['netRatio']!r})")
        if c["material"] not in MATERIALS:
            problem(where, f"material {c['material']!r} is not a known material")
        string_list(where, "origins", c["origins"], ISO2)
        string_list(where, "tags", c["tags"], min_count=0)
        for t in c["tags"]:
            if t not in COMMODITY_TAGS:
                problem(where, f"unknown tag {t!r} (known: {', '.join(sorted(COMMODITY_TAGS))})")
        if c["perishable"] and c["liquidBulk"]:
            problem(where, "a commodity cannot be both perishable (reefer) and liquidBulk (tank)")
        if c["liquidBulk"] and c["packageKind"] != "bulk":
            problem(where, "liquid bulk goes as one 'bulk' package: the tank's whole content")
        if ok:
            density = c["packageGrossKG"] / c["packageVolumeM3"]
            if not 20 <= density <= 10000:
                problem(where, f"stowage density {density:.0f} kg/m³ is implausible")
            if c["liquidBulk"]:
                fill = c["packageVolumeM3"] / tank_m3
                if not 0.8 <= fill <= 0.95:
                    problem(where, f"a tank is filled 80–95%; {c['packageVolumeM3']} m³ is {fill:.0%} of "
                                   f"{tank_m3:g} m³")
            if c["packageVolumeM3"] > 86 or c["packageGrossKG"] > 32350:
                problem(where, "one package does not fit any container type")
    if len(data) < 60:
        problem("commodities.json", f"only {len(data)} commodities; the generator needs at least 60")
    return data


def check_ports():
    data = load_json(CATALOG / "ports.json")
    if data is None:
        return []
    if not isinstance(data, list):
        problem("ports.json", "expected an array")
        return []
    seen = set()
    for i, p in enumerate(data):
        where = f"ports.json[{i}]" + (f" ({p.get('locode')})" if isinstance(p, dict) else "")
        if not check_fields(where, p, {"locode": str, "name": str, "region": str, "hub": bool, "riskTags": list,
                                       "latitude": (int, float), "longitude": (int, float), "basin": str}):
            continue
        if not (-90 <= p["latitude"] <= 90 and -180 <= p["longitude"] <= 180):
            problem(where, "latitude must be -90..90 and longitude -180..180 (degrees)")
        if not re.fullmatch(LOCODE, p["locode"]):
            problem(where, "locode must be a country code and three letters or digits 2-9")
        if p["locode"] in seen:
            problem(where, "duplicate locode")
        seen.add(p["locode"])
        if not p["name"].strip():
            problem(where, "empty name")
        if p["region"] not in REGIONS:
            problem(where, f"region {p['region']!r} is not one of {', '.join(sorted(REGIONS))}")
        string_list(where, "riskTags", p["riskTags"], min_count=0)
        for t in p["riskTags"]:
            if t not in PORT_TAGS:
                problem(where, f"unknown risk tag {t!r}")
    if len(data) < 45:
        problem("ports.json", f"only {len(data)} ports; at least 45 expected")
    return data


def check_sea_lanes(ports):
    data = load_json(CATALOG / "sea-lanes.json")
    if data is None:
        return
    if not check_fields("sea-lanes.json", data, {"waypoints": list, "basins": list, "lanes": list, "canals": list}):
        return
    ids = set()
    for i, w in enumerate(data["waypoints"]):
        where = f"sea-lanes.json waypoints[{i}]"
        if check_fields(where, w, {"id": str, "latitude": (int, float), "longitude": (int, float), "name": str}):
            if w["id"] in ids:
                problem(where, "duplicate waypoint id")
            ids.add(w["id"])
            if not (-90 <= w["latitude"] <= 90 and -180 <= w["longitude"] <= 180):
                problem(where, "latitude must be -90..90 and longitude -180..180 (degrees)")
    basins = set()
    for i, b in enumerate(data["basins"]):
        where = f"sea-lanes.json basins[{i}]"
        if check_fields(where, b, {"id": str, "gates": list}):
            basins.add(b["id"])
            for g in b["gates"]:
                if g not in ids:
                    problem(where, f"gate {g!r} is not a waypoint")
    for i, l in enumerate(data["lanes"]):
        where = f"sea-lanes.json lanes[{i}]"
        if check_fields(where, l, {"from": str, "to": str}):
            for end in (l["from"], l["to"]):
                if end not in ids:
                    problem(where, f"{end!r} is not a waypoint")
    for i, c in enumerate(data["canals"]):
        where = f"sea-lanes.json canals[{i}]"
        if check_fields(where, c, {"from": str, "to": str, "name": str, "nauticalMiles": (int, float), "days": int}):
            for end in (c["from"], c["to"]):
                if end not in ids:
                    problem(where, f"{end!r} is not a waypoint")
    for p in ports or []:
        if isinstance(p, dict) and p.get("basin") not in basins:
            problem(f"ports.json ({p.get('locode')})", f"basin {p.get('basin')!r} is not in sea-lanes.json")


def check_carriers():
    data = load_json(CATALOG / "carriers.json")
    if data is None:
        return
    if not isinstance(data, list):
        problem("carriers.json", "expected an array")
        return
    names, prefixes = set(), {}
    for i, k in enumerate(data):
        where = f"carriers.json[{i}]" + (f" ({k.get('name')})" if isinstance(k, dict) else "")
        if not check_fields(where, k, {"name": str, "scac": str, "ownerPrefixes": list, "vessels": list,
                                       "regions": list}):
            continue
        if k["name"] in names:
            problem(where, "duplicate carrier name")
        names.add(k["name"])
        if not re.fullmatch(r"[A-Z]{2,4}", k["scac"]):
            problem(where, f"SCAC {k['scac']!r} must be 2–4 capital letters")
        string_list(where, "ownerPrefixes", k["ownerPrefixes"], r"[A-Z]{3}U")
        for pfx in k["ownerPrefixes"]:
            if pfx in prefixes and prefixes[pfx] != k["name"]:
                problem(where, f"owner prefix {pfx} also belongs to {prefixes[pfx]}")
            prefixes[pfx] = k["name"]
        string_list(where, "vessels", k["vessels"], min_count=6)
        string_list(where, "regions", k["regions"])
        for r in k["regions"]:
            if r not in REGIONS:
                problem(where, f"unknown region {r!r}")
    if len(data) < 10:
        problem("carriers.json", f"only {len(data)} carriers; at least 10 expected")


def check_seal_makers(seal_kinds):
    data = load_json(CATALOG / "seal-makers.json")
    if data is None:
        return
    if not isinstance(data, list):
        problem("seal-makers.json", "expected an array")
        return
    ids, pfx = set(), set()
    for i, m in enumerate(data):
        where = f"seal-makers.json[{i}]" + (f" ({m.get('id')})" if isinstance(m, dict) else "")
        if not check_fields(where, m, {"id": str, "name": str, "numberPrefix": str, "digits": int, "font": str,
                                       "kinds": list}):
            continue
        if not re.fullmatch(KEBAB, m["id"]) or m["id"] in ids:
            problem(where, "id must be kebab-case and unique")
        ids.add(m["id"])
        if not re.fullmatch(r"[A-Z]{2}", m["numberPrefix"]) or m["numberPrefix"] in pfx:
            problem(where, "numberPrefix must be two capital letters, distinct per maker")
        pfx.add(m["numberPrefix"])
        if not 6 <= m["digits"] <= 8:
            problem(where, "digits must be 6 to 8")
        if m["font"] not in SEAL_FONTS:
            problem(where, f"font {m['font']!r} is not one of {', '.join(sorted(SEAL_FONTS))}")
        string_list(where, "kinds", m["kinds"])
        for kind in m["kinds"]:
            if seal_kinds and kind not in seal_kinds:
                problem(where, f"kind {kind!r} is not a SealKind case")
    if not 6 <= len(data) <= 8:
        problem("seal-makers.json", f"{len(data)} makers; 6 to 8 expected")


TRADES = set()


def check_name_styles():
    data = load_json(CATALOG / "name-styles.json")
    if data is None:
        return set()
    if not isinstance(data, list) or not data:
        problem("name-styles.json", "expected a non-empty array")
        return set()
    covered = set()
    for i, s in enumerate(data):
        where = f"name-styles.json[{i}]"
        if not check_fields(where, s, {"countries": list, "legalForms": dict, "companyCores": list,
                                       "companyActivities": list, "brokerNames": list, "givenNames": list,
                                       "familyNames": list, "cities": dict}):
            continue
        where += f" ({' '.join(map(str, s['countries'][:3]))}…)"
        string_list(where, "countries", s["countries"], ISO2)
        for c in s["countries"]:
            if c in covered:
                problem(where, f"country {c} is already in another style")
            covered.add(c)
        for field, minimum in (("companyCores", 10), ("companyActivities", 3)):
            parts = s[field]
            names = [p if isinstance(p, str) else p.get("name") if isinstance(p, dict) else None for p in parts]
            string_list(where, field, names, min_count=minimum)
            for p in parts:
                if isinstance(p, dict):
                    check_fields(f"{where} {field} {p.get('name')}", p, {"name": str}, optional=("trades", "roles"))
                    for t in p.get("trades", []):
                        if t not in TRADES:
                            problem(where, f"{p.get('name')}: trade {t!r} is not a commodity's trade")
                    for r in p.get("roles", []):
                        if r not in ("shipper", "consignee", "forwarder"):
                            problem(where, f"{p.get('name')}: role {r!r} is not shipper, consignee or forwarder")
        if set(s["legalForms"]) != set(s["countries"]):
            problem(where, "legalForms must list exactly the style's countries")
        for country, forms in s["legalForms"].items():
            string_list(where, f"legalForms.{country}", forms)
        string_list(where, "brokerNames", s["brokerNames"])
        for b in s["brokerNames"]:
            if "{name}" not in b:
                problem(where, f"broker name {b!r} needs the {{name}} placeholder")
        string_list(where, "givenNames", s["givenNames"], min_count=10)
        string_list(where, "familyNames", s["familyNames"], min_count=10)
        for country, cities in s["cities"].items():
            if country not in s["countries"]:
                problem(where, f"cities given for {country}, which is not in this style's countries")
            string_list(where, f"cities.{country}", cities)
            if isinstance(cities, list) and len(cities) > 5:
                problem(where, f"cities.{country}: at most 5 cities")
        for country in s["countries"]:
            if country not in s["cities"]:
                problem(where, f"no cities for {country}")
    return covered


def check_vague():
    data = load_json(CATALOG / "vague-descriptions.json")
    if data is None:
        return
    if not isinstance(data, list) or not data:
        problem("vague-descriptions.json", "expected a non-empty array")
        return
    for i, d in enumerate(data):
        check_localized(f"vague-descriptions.json[{i}]", d)


# ---------------------------------------------------------------------------------------------
# Translations.

PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9]*)\}")


def placeholders(text):
    return set(PLACEHOLDER.findall(text))


def check_i18n(src):
    tables = {}
    for lang in ("en", "es", "pt", "fr"):
        path = I18N / f"{lang}.json"
        if lang == "fr" and not path.exists():
            continue
        table = load_json(path)
        if table is None:
            continue
        if not isinstance(table, dict):
            problem(f"i18n/{lang}.json", "expected a flat object of key → string")
            continue
        for key, value in table.items():
            if not isinstance(value, str) or not value.strip():
                problem(f"i18n/{lang}.json", f"{key}: value must be a non-empty string")
            elif PLACEHOLDER.sub("", value).count("{") or PLACEHOLDER.sub("", value).count("}"):
                problem(f"i18n/{lang}.json", f"{key}: stray brace (placeholders are {{name}})")
        tables[lang] = table
    if "en" not in tables:
        return
    en = tables["en"]
    for lang, table in tables.items():
        if lang == "en":
            continue
        for key in sorted(set(en) - set(table)):
            problem(f"i18n/{lang}.json", f"missing key {key}")
        for key in sorted(set(table) - set(en)):
            problem(f"i18n/{lang}.json", f"key {key} is not in en.json")
        for key in sorted(set(en) & set(table)):
            if isinstance(en[key], str) and isinstance(table[key], str) \
                    and placeholders(en[key]) != placeholders(table[key]):
                problem(f"i18n/{lang}.json", f"{key}: placeholders {sorted(placeholders(table[key]))} differ "
                                             f"from en {sorted(placeholders(en[key]))}")

    # Required keys and their parameters.
    expected = {}  # key -> set of placeholders, or None when not pinned
    if src:
        for prefix, enum in ENUM_PREFIXES.items():
            cases = enum_cases(src, enum)
            if cases is None:
                problem("Sources", f"enum {enum} not found; update ENUM_PREFIXES in check_assets.py")
                continue
            for case in cases:
                expected.setdefault(f"{prefix}.{case}", None)
        for case in enum_cases(src, "RiskIndicator") or []:
            expected[f"indicator.{case}.help"] = set()
        for case in enum_cases(src, "ObservationCode") or []:
            expected[f"observation.{case}"] = OBSERVATION_PARAMETERS.get(case, set())
        for case, params in rationale_parameters(src).items():
            expected[f"rationale.{case}"] = params
        for case, params in rationale_parameters(src, "FeedbackCode").items():
            expected[f"feedback.{case}"] = params
    else:
        problem("Sources", "Swift sources not found; enum keys were not checked")
    for name in OBSERVATION_PARAMETERS:
        if src and name not in (enum_cases(src, "ObservationCode") or []):
            problem("check_assets.py", f"OBSERVATION_PARAMETERS names {name}, which is not an ObservationCode")
    for code in EXPLANATIONS:
        expected[f"explanation.{code}"] = set()
    for name in LABELS:
        expected[f"label.{name}"] = set()
    for name, params in CLI_PARAMETERS.items():
        expected[f"cli.{name}"] = params
    for key, params in SCORING_KEYS.items():
        expected[key] = params
    for key, params in sorted(expected.items()):
        if key not in en:
            problem("i18n/en.json", f"missing key {key}")
            continue
        if params is None:
            params = set()
        for lang, table in tables.items():
            if key in table and isinstance(table[key], str) and placeholders(table[key]) != params:
                problem(f"i18n/{lang}.json", f"{key}: placeholders {sorted(placeholders(table[key]))}, expected "
                                             f"{sorted(params)}")


def check_web_keys():
    """Every text key the web workspace names literally (t('…') calls and the 'web.…' strings of its
    tables) exists in en.json, so no trainee ever sees a raw key; the other languages follow from
    check_i18n. Keys built at run time (`web.viewer.view.${v}`) are covered by their literal tables."""
    web = ASSETS / "web"
    if not web.is_dir():
        return
    en = load_json(I18N / "en.json")
    if not isinstance(en, dict):
        return
    call = re.compile(r"\bt\(\s*'([A-Za-z][\w-]*(?:\.[\w-]+)+)'")
    literal = re.compile(r"'(web\.[\w-]+(?:\.[\w-]+)*)'")
    for path in sorted(web.rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            for key in set(call.findall(line)) | set(literal.findall(line)):
                if key not in en:
                    problem(f"{path.relative_to(ROOT)}:{number}", f"text key {key} is missing from i18n/en.json")


def check_glossary():
    path = I18N / "glossary.md"
    if not path.exists():
        problem("i18n/glossary.md", "missing")
        return
    rows = [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("|") and not re.match(r"\|\s*-", line)]
    if len(rows) - 1 < 40:
        problem("i18n/glossary.md", f"{len(rows) - 1} terms; at least 40 expected")
    for n, line in enumerate(rows, 1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not all(cells[:4]):
            problem("i18n/glossary.md", f"table row {n} needs English, Español, Português and a definition")


def check_evidence(src):
    """indicator-evidence.json: every code is a RiskIndicator or ObservationCode, rates are shares, each entry has a
    source, and its explanations are explanation.* keys; every RiskIndicator has an entry."""
    data = load_json(CATALOG / "indicator-evidence.json")
    if not isinstance(data, dict):
        problem("indicator-evidence.json", "write a JSON object with indicators, observations and reach")
        return
    indicators = set(enum_cases(src, "RiskIndicator") or [])
    observations = set(enum_cases(src, "ObservationCode") or [])
    kinds = set(enum_cases(src, "AnomalyKind") or []) | {"sealBypass"}
    points = set(enum_cases(src, "ExaminationPoint") or []) | {"sides"}
    for section, codes in (("indicators", indicators), ("observations", observations)):
        for i, entry in enumerate(data.get(section) or []):
            where = f"indicator-evidence.json {section}[{i}] ({entry.get('code')})"
            if codes and entry.get("code") not in codes:
                problem(where, f"{entry.get('code')!r} is not a {'RiskIndicator' if section == 'indicators' else 'ObservationCode'}")
            for rate in ("clean", "irregular"):
                value = entry.get(rate)
                if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                    problem(where, f"{rate} must be a share from 0 to 1, not {value!r}")
            if not str(entry.get("source") or "").strip():
                problem(where, "give the source of the rates, or the reasoning behind them")
            for e in entry.get("explanations") or []:
                if e not in EXPLANATIONS:
                    problem(where, f"explanation {e!r} is not in EXPLANATIONS (and explanation.{e} in Assets/i18n)")
            if section == "observations" and points and entry.get("point") not in points:
                problem(where, f"point {entry.get('point')!r} is not an ExaminationPoint (or 'sides')")
    named = {e.get("code") for e in data.get("indicators") or []}
    for code in sorted(indicators - named):
        problem("indicator-evidence.json", f"indicator {code} has no entry; give its rates and source")
    for i, entry in enumerate(data.get("reach") or []):
        where = f"indicator-evidence.json reach[{i}] ({entry.get('kind')})"
        if kinds and entry.get("kind") not in kinds:
            problem(where, f"{entry.get('kind')!r} is not an AnomalyKind (or sealBypass)")
        if not isinstance(entry.get("reach"), (int, float)) or not 0 <= entry["reach"] <= 1:
            problem(where, "reach must be a share from 0 to 1")
        if not str(entry.get("source") or "").strip():
            problem(where, "give the source or the reasoning")
    for name in ("frontWallBlocked", "ceilingBlocked", "repairRecordOnFile", "forgedRecord"):
        value = data.get(name)
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            problem("indicator-evidence.json", f"{name} must be a share from 0 to 1, not {value!r}")


# ---------------------------------------------------------------------------------------------

def main():
    src = swift_source()
    package_kinds = set(enum_cases(src, "PackageKind") or [])
    seal_kinds = set(enum_cases(src, "SealKind") or [])
    hs = hs_level6()
    commodities = check_commodities(hs, package_kinds, src)
    ports = check_ports()
    check_sea_lanes(ports)
    check_carriers()
    check_seal_makers(seal_kinds)
    covered = check_name_styles()
    check_vague()
    check_evidence(src)
    if covered:
        for c in commodities:
            if isinstance(c, dict):
                for o in c.get("origins") or []:
                    if o not in covered:
                        problem(f"commodities.json ({c.get('id')})", f"origin {o} has no name style; its "
                                                                      f"parties would get another country's names")
    check_i18n(src)
    check_web_keys()
    check_glossary()
    if not (CATALOG / "README.md").exists():
        problem("catalog/README.md", "missing")
    if problems:
        for p in problems:
            print("✗", p)
        print(f"{len(problems)} problem(s) found.")
        return 1
    print("Assets OK: catalogue and translations are consistent.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

import CargoModel
import CaseGeneration
import Foundation

/// Loads the generator's catalogues from `Assets/catalog/` and checks them.
///
/// Reads `commodities.json`, `ports.json`, `carriers.json`, `seal-makers.json`, `name-styles.json` and
/// `vague-descriptions.json` (JSON arrays of the `Catalog` types) and the Harmonized System nomenclature
/// `harmonized-system.csv` (columns `section,hscode,description,parent,level`, RFC 4180 quoting; only
/// level-6 rows, the six-digit subheadings, are kept).
///
/// On load it checks what the generator relies on: every list has entries; ids, LOCODEs, SCACs and
/// seal-maker ids are unique; LOCODEs are well formed; every commodity's HS code is a subheading of the
/// nomenclature; masses, volumes and ratios are positive (net ratio at most 1); country codes are
/// ISO 3166-1 alpha-2; owner prefixes are four capital letters ending in U, J or Z (ISO 6346).
/// All problems in all files are thrown together as `BundleErrors`; each names the file and the entry
/// (its index in the array and its id), or the line of the CSV.
public struct CatalogLoader: Sendable {
    public init() {}

    /// The catalogue files, in the order they are read.
    public static let fileNames = [
        "commodities.json", "ports.json", "carriers.json", "seal-makers.json", "name-styles.json",
        "vague-descriptions.json", "sea-lanes.json", "indicator-evidence.json", "harmonized-system.csv",
    ]

    /// Loads and checks the catalogue in `assetsDirectory/catalog/`.
    public func load(from assetsDirectory: URL) throws -> Catalog {
        let folder = assetsDirectory.appendingPathComponent("catalog", isDirectory: true)
        var errors: [BundleError] = []
        func display(_ name: String) -> String { AssetLocator.join(assetsDirectory.path, "catalog/" + name) }

        func read<T: Decodable>(_ name: String, as type: T.Type) -> [T] {
            let file = display(name)
            guard let data = readData(folder.appendingPathComponent(name), file: file, errors: &errors) else {
                return []
            }
            do {
                let entries = try JSONDecoder().decode([T].self, from: data)
                if entries.isEmpty {
                    errors.append(
                        BundleError(
                            code: "catalog.empty", file: file,
                            message: "The list is empty; add at least one entry."))
                }
                return entries
            } catch let error as DecodingError {
                errors.append(Self.bundleError(from: error, file: file, data: data))
            } catch {
                errors.append(
                    BundleError(
                        code: "catalog.json", file: file,
                        message: "Write a JSON array of entries; the file does not parse (\(error))."))
            }
            return []
        }

        func readObject<T: Decodable>(_ name: String, as type: T.Type) -> T? {
            let file = display(name)
            guard let data = readData(folder.appendingPathComponent(name), file: file, errors: &errors) else {
                return nil
            }
            do {
                return try JSONDecoder().decode(T.self, from: data)
            } catch let error as DecodingError {
                errors.append(Self.bundleError(from: error, file: file, data: data))
            } catch {
                errors.append(
                    BundleError(
                        code: "catalog.json", file: file,
                        message: "Write a JSON object; the file does not parse (\(error))."))
            }
            return nil
        }

        let commodities = read("commodities.json", as: Commodity.self)
        let ports = read("ports.json", as: PortInfo.self)
        let carriers = read("carriers.json", as: Carrier.self)
        let sealMakers = read("seal-makers.json", as: SealMaker.self)
        let nameStyles = read("name-styles.json", as: NameStyle.self)
        let vague = read("vague-descriptions.json", as: LocalizedText.self)
        let seaLanes = readObject("sea-lanes.json", as: SeaLanes.self) ?? .empty
        let evidence = readObject("indicator-evidence.json", as: EvidenceCatalog.self) ?? .empty
        var hs: [String: String] = [:]
        let hsFile = display("harmonized-system.csv")
        if let data = readData(folder.appendingPathComponent("harmonized-system.csv"), file: hsFile, errors: &errors) {
            do {
                hs = try Self.harmonizedSystemSubheadings(csv: String(decoding: data, as: UTF8.self), file: hsFile)
            } catch let failure as BundleErrors {
                errors += failure.errors
            } catch {
                errors.append(BundleError(code: "catalog.csv", file: hsFile, message: "\(error)"))
            }
        }

        let catalog = Catalog(
            commodities: commodities, ports: ports, carriers: carriers, sealMakers: sealMakers,
            nameStyles: nameStyles, vagueDescriptions: vague, hsSubheadings: hs, seaLanes: seaLanes,
            evidence: evidence)
        errors += Self.check(catalog, file: display, checkHSCodes: !hs.isEmpty)
        if !errors.isEmpty { throw BundleErrors(errors) }
        return catalog
    }

    private func readData(_ url: URL, file: String, errors: inout [BundleError]) -> Data? {
        do {
            return try Data(contentsOf: url)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            errors.append(
                BundleError(
                    code: missing ? "catalog.missing" : "io.unreadable", file: file,
                    message: missing
                        ? "The catalogue file is missing; restore it from the repository (git checkout -- Assets/catalog) or point --assets at a complete Assets folder."
                        : "Cannot read the file (\(YAMLSpecReader.reason(error))); check that you may read it."))
            return nil
        }
    }

    // MARK: Checks

    /// Every consistency problem in `catalog`; `file` turns a file name into the path shown in errors.
    static func check(_ catalog: Catalog, file: (String) -> String, checkHSCodes: Bool) -> [BundleError] {
        var errors: [BundleError] = []
        func fail(
            _ name: String, _ index: Int, _ id: String, field: String, value: String?, code: String,
            _ message: String
        ) {
            errors.append(
                BundleError(
                    code: code, file: file(name), field: "[\(index)].\(field)", value: value,
                    message: "Entry \(index) (\(id)): " + message))
        }
        func isCountry(_ code: String) -> Bool {
            code.count == 2 && code.allSatisfy { $0.isASCII && $0.isUppercase && $0.isLetter }
        }

        var seen: [String: Int] = [:]
        for (i, commodity) in catalog.commodities.enumerated() {
            let name = "commodities.json"
            if commodity.id.isEmpty {
                fail(name, i, "no id", field: "id", value: "", code: "catalog.id", "Give the commodity an id.")
            } else if let first = seen[commodity.id] {
                fail(
                    name, i, commodity.id, field: "id", value: commodity.id, code: "catalog.duplicate",
                    "Give each commodity its own id; entry \(first) has it too.")
            }
            seen[commodity.id] = seen[commodity.id] ?? i
            let hs = commodity.hsCode
            if !(hs.count == 6 && hs.allSatisfy { $0.isASCII && $0.isNumber }) {
                fail(
                    name, i, commodity.id, field: "hsCode", value: hs, code: "catalog.hsCode",
                    "Give a six-digit HS subheading (e.g. 080390).")
            } else if checkHSCodes && catalog.hsSubheadings[hs] == nil {
                fail(
                    name, i, commodity.id, field: "hsCode", value: hs, code: "catalog.hsCode",
                    "Use an HS code listed at level 6 in harmonized-system.csv; this one is not there.")
            }
            for (field, value) in [
                ("packageGrossKG", commodity.packageGrossKG), ("packageVolumeM3", commodity.packageVolumeM3),
            ]
            where !(value > 0 && value.isFinite) {
                fail(
                    name, i, commodity.id, field: field, value: "\(value)", code: "catalog.number",
                    "Give a positive number.")
            }
            if !(commodity.netRatio > 0 && commodity.netRatio <= 1) {
                fail(
                    name, i, commodity.id, field: "netRatio", value: "\(commodity.netRatio)", code: "catalog.number",
                    "Give the net over gross mass as a number above 0 and at most 1.")
            }
            if commodity.description.en.isEmpty {
                fail(
                    name, i, commodity.id, field: "description.en", value: "", code: "catalog.text",
                    "Give an English description.")
            }
            for (k, country) in commodity.origins.enumerated() where !isCountry(country) {
                fail(
                    name, i, commodity.id, field: "origins[\(k)]", value: country, code: "catalog.country",
                    "Give an ISO 3166-1 alpha-2 country code in capitals (e.g. EC).")
            }
        }

        seen = [:]
        for (i, port) in catalog.ports.enumerated() {
            let name = "ports.json"
            if !PortRef.isValidLocode(port.locode) {
                fail(
                    name, i, port.locode, field: "locode", value: port.locode, code: "catalog.locode",
                    "Give a UN/LOCODE: country code and three letters or digits 2–9 (e.g. ECGYE).")
            } else if let first = seen[port.locode] {
                fail(
                    name, i, port.locode, field: "locode", value: port.locode, code: "catalog.duplicate",
                    "List each port once; entry \(first) has this LOCODE too.")
            }
            seen[port.locode] = seen[port.locode] ?? i
            if port.name.isEmpty {
                fail(name, i, port.locode, field: "name", value: "", code: "catalog.text", "Give the port's name.")
            }
        }

        seen = [:]
        for (i, carrier) in catalog.carriers.enumerated() {
            let name = "carriers.json"
            let id = carrier.scac.isEmpty ? carrier.name : carrier.scac
            if carrier.scac.isEmpty || !carrier.scac.allSatisfy({ $0.isASCII && $0.isUppercase && $0.isLetter }) {
                fail(
                    name, i, id, field: "scac", value: carrier.scac, code: "catalog.scac",
                    "Give the carrier's SCAC in capital letters (e.g. MAEU).")
            } else if let first = seen[carrier.scac] {
                fail(
                    name, i, id, field: "scac", value: carrier.scac, code: "catalog.duplicate",
                    "Give each carrier its own SCAC; entry \(first) has it too.")
            }
            seen[carrier.scac] = seen[carrier.scac] ?? i
            if carrier.ownerPrefixes.isEmpty {
                fail(
                    name, i, id, field: "ownerPrefixes", value: nil, code: "catalog.ownerPrefix",
                    "List at least one BIC owner prefix (e.g. MSKU).")
            }
            for (k, prefix) in carrier.ownerPrefixes.enumerated() {
                let chars = Array(prefix)
                if !(chars.count == 4 && chars.allSatisfy({ $0.isASCII && $0.isUppercase && $0.isLetter })
                    && "UJZ".contains(chars[3]))
                {
                    fail(
                        name, i, id, field: "ownerPrefixes[\(k)]", value: prefix, code: "catalog.ownerPrefix",
                        "Give four capital letters: the owner code and the category U, J or Z (e.g. MSKU).")
                }
            }
            if carrier.vessels.isEmpty {
                fail(name, i, id, field: "vessels", value: nil, code: "catalog.empty", "List at least one vessel name.")
            }
        }

        seen = [:]
        for (i, maker) in catalog.sealMakers.enumerated() {
            let name = "seal-makers.json"
            if maker.id.isEmpty {
                fail(name, i, "no id", field: "id", value: "", code: "catalog.id", "Give the seal maker an id.")
            } else if let first = seen[maker.id] {
                fail(
                    name, i, maker.id, field: "id", value: maker.id, code: "catalog.duplicate",
                    "Give each seal maker its own id; entry \(first) has it too.")
            }
            seen[maker.id] = seen[maker.id] ?? i
            if !(1...15).contains(maker.digits) {
                fail(
                    name, i, maker.id, field: "digits", value: "\(maker.digits)", code: "catalog.number",
                    "Give the number of digits after the prefix, from 1 to 15.")
            }
            if maker.kinds.isEmpty {
                fail(
                    name, i, maker.id, field: "kinds", value: nil, code: "catalog.empty",
                    "List the kinds of seal the maker sells (e.g. bolt).")
            }
        }

        for (i, style) in catalog.nameStyles.enumerated() {
            let name = "name-styles.json"
            let id = style.countries.joined(separator: ",")
            if style.countries.isEmpty {
                fail(
                    name, i, "no countries", field: "countries", value: nil, code: "catalog.empty",
                    "List the countries that use this style.")
            }
            for (k, country) in style.countries.enumerated() where !isCountry(country) {
                fail(
                    name, i, id, field: "countries[\(k)]", value: country, code: "catalog.country",
                    "Give an ISO 3166-1 alpha-2 country code in capitals (e.g. PE).")
            }
            for (field, list) in [
                ("companyCores", style.companyCores.map(\.name)), ("givenNames", style.givenNames),
                ("familyNames", style.familyNames),
            ] where list.isEmpty {
                fail(name, i, id, field: field, value: nil, code: "catalog.empty", "List at least one name.")
            }
            for country in style.countries where (style.legalForms[country] ?? []).isEmpty {
                fail(
                    name, i, id, field: "legalForms.\(country)", value: country, code: "catalog.legalForm",
                    "List the legal forms of company that \(country)'s law provides (e.g. S.A.C. for Peru).")
            }
            for country in style.legalForms.keys.sorted() where !style.countries.contains(country) {
                fail(
                    name, i, id, field: "legalForms.\(country)", value: country, code: "catalog.legalForm",
                    "Legal forms are listed for the style's own countries only; add \(country) to countries or drop it."
                )
            }
            let trades = Set(catalog.commodities.map(\.trade))
            for (field, parts) in [
                ("companyCores", style.companyCores), ("companyActivities", style.companyActivities),
            ] {
                for part in parts {
                    for trade in part.trades where !trades.contains(trade) {
                        fail(
                            name, i, id, field: field, value: trade, code: "catalog.trade",
                            "\(part.name): use a trade that commodities.json gives its goods (\(trades.sorted().joined(separator: ", ")))."
                        )
                    }
                    for role in part.roles where !["shipper", "consignee", "forwarder"].contains(role) {
                        fail(
                            name, i, id, field: field, value: role, code: "catalog.role",
                            "\(part.name): a role is shipper, consignee or forwarder.")
                    }
                }
            }
        }

        errors += checkSeaLanes(catalog, file: file)

        for (i, text) in catalog.vagueDescriptions.enumerated() where text.en.isEmpty {
            fail(
                "vague-descriptions.json", i, "no text", field: "en", value: "", code: "catalog.text",
                "Give the English text.")
        }
        return errors
    }

    /// The sea-lane graph: positions in range, known basins, gates, lanes and canal ends, and every port reachable
    /// from every other.
    static func checkSeaLanes(_ catalog: Catalog, file: (String) -> String) -> [BundleError] {
        var errors: [BundleError] = []
        let lanesFile = file("sea-lanes.json")
        let waypoints = Set(catalog.seaLanes.waypoints.map(\.id))
        let basins = Set(catalog.seaLanes.basins.map(\.id))
        func inRange(_ latitude: Double, _ longitude: Double) -> Bool {
            (-90...90).contains(latitude) && (-180...180).contains(longitude)
        }
        for (i, port) in catalog.ports.enumerated() {
            if !inRange(port.latitude, port.longitude) {
                errors.append(
                    BundleError(
                        code: "catalog.position", file: file("ports.json"), field: "[\(i)].latitude",
                        value: "\(port.latitude), \(port.longitude)",
                        message: "Entry \(i) (\(port.locode)): give latitude -90…90 and longitude -180…180 (degrees)."))
            }
            if !basins.contains(port.basin) {
                errors.append(
                    BundleError(
                        code: "catalog.basin", file: file("ports.json"), field: "[\(i)].basin", value: port.basin,
                        message:
                            "Entry \(i) (\(port.locode)): use a basin listed in sea-lanes.json (\(basins.sorted().joined(separator: ", ")))."
                    ))
            }
        }
        for (i, waypoint) in catalog.seaLanes.waypoints.enumerated()
        where !inRange(waypoint.latitude, waypoint.longitude) {
            errors.append(
                BundleError(
                    code: "catalog.position", file: lanesFile, field: "waypoints[\(i)]", value: waypoint.id,
                    message: "Give latitude -90…90 and longitude -180…180 (degrees)."))
        }
        for (i, basin) in catalog.seaLanes.basins.enumerated() {
            for gate in basin.gates where !waypoints.contains(gate) {
                errors.append(
                    BundleError(
                        code: "catalog.waypoint", file: lanesFile, field: "basins[\(i)].gates", value: gate,
                        message: "Basin \(basin.id): every gate must be a waypoint of the file; add it or fix the id."))
            }
        }
        let ends =
            catalog.seaLanes.lanes.enumerated().flatMap { i, lane in
                [("lanes[\(i)]", lane.from), ("lanes[\(i)]", lane.to)]
            }
            + catalog.seaLanes.canals.enumerated().flatMap { i, c in [("canals[\(i)]", c.from), ("canals[\(i)]", c.to)]
            }
        for (field, id) in ends where !waypoints.contains(id) {
            errors.append(
                BundleError(
                    code: "catalog.waypoint", file: lanesFile, field: field, value: id,
                    message: "Join waypoints of the file; this one is not listed."))
        }
        if errors.isEmpty, let first = catalog.ports.first {
            let routes = SeaRoutes(ports: catalog.ports, lanes: catalog.seaLanes)
            for port in catalog.ports where routes.nauticalMiles(from: first.locode, to: port.locode) == nil {
                errors.append(
                    BundleError(
                        code: "catalog.unreachable", file: lanesFile, value: port.locode,
                        message:
                            "No sea route joins \(port.locode) to \(first.locode); add a lane from its basin's gates."))
            }
        }
        return errors
    }

    /// A JSON decoding error, naming the entry (index and id) and the field.
    static func bundleError(from error: DecodingError, file: String, data: Data) -> BundleError {
        let context: DecodingError.Context
        let problem: String
        switch error {
        case .typeMismatch(let type, let c):
            (context, problem) = (c, "expected \(humanTypeName(String(describing: type))); \(c.debugDescription)")
        case .valueNotFound(let type, let c):
            (context, problem) = (c, "expected \(humanTypeName(String(describing: type))); found null.")
        case .keyNotFound(let key, let c):
            (context, problem) = (c, "add the key \"\(key.stringValue)\"; it is required.")
        case .dataCorrupted(let c):
            (context, problem) = (
                c,
                c.codingPath.isEmpty
                    ? "write a JSON array of entries; the file does not parse (\(c.underlyingError.map { "\($0)" } ?? c.debugDescription))."
                    : c.debugDescription
            )
        @unknown default:
            return BundleError(code: "catalog.json", file: file, message: "\(error)")
        }
        guard let index = context.codingPath.first?.intValue else {
            return BundleError(code: "catalog.json", file: file, message: "Fix the file: " + problem)
        }
        let field = context.codingPath.dropFirst().map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
        }
        .joined()
        var id = "no id"
        if let array = try? JSONSerialization.jsonObject(with: data) as? [Any], index < array.count,
            let entry = array[index] as? [String: Any]
        {
            for key in ["id", "locode", "scac", "name", "en"] {
                if let value = entry[key] as? String { id = value; break }
            }
        }
        let path = "[\(index)]" + field
        return BundleError(
            code: "catalog.json", file: file, field: path,
            message: "Entry \(index) (\(id)), \(field.isEmpty ? "the entry" : String(field.dropFirst())): " + problem)
    }

    // MARK: Harmonized System

    /// The level-6 rows of the nomenclature CSV, as subheading → English description.
    ///
    /// Needs a header naming at least `hscode`, `description` and `level` (in any order); rows with
    /// another level (sections, chapters, headings) are skipped. A six-digit code listed twice, a row
    /// with too few fields, or an unterminated quote is an error naming the line.
    static func harmonizedSystemSubheadings(csv: String, file: String) throws -> [String: String] {
        let rows = try CSVRows.parse(csv, file: file)
        guard let header = rows.first else {
            throw BundleErrors(
                BundleError(
                    code: "catalog.csv", file: file, line: 1,
                    message:
                        "The file is empty; it needs the header section,hscode,description,parent,level and the rows."))
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let code = names.firstIndex(of: "hscode"), let text = names.firstIndex(of: "description"),
            let level = names.firstIndex(of: "level")
        else {
            throw BundleErrors(
                BundleError(
                    code: "catalog.csv", file: file, line: header.line,
                    value: header.fields.joined(separator: ","),
                    message: "Start the file with the header section,hscode,description,parent,level."))
        }
        var errors: [BundleError] = []
        var result: [String: String] = [:]
        let needed = max(code, text, level) + 1
        for row in rows.dropFirst() {
            if row.fields.count == 1 && row.fields[0].isEmpty { continue }  // blank line
            guard row.fields.count >= needed else {
                errors.append(
                    BundleError(
                        code: "catalog.csv", file: file, line: row.line,
                        message:
                            "Give \(names.count) fields on each row; this one has \(row.fields.count) (quote descriptions that contain commas)."
                    ))
                continue
            }
            guard row.fields[level].trimmingCharacters(in: .whitespaces) == "6" else { continue }
            let hs = row.fields[code].trimmingCharacters(in: .whitespaces)
            guard hs.count == 6, hs.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                errors.append(
                    BundleError(
                        code: "catalog.csv", file: file, line: row.line, value: hs,
                        message: "Give a six-digit code on level-6 rows."))
                continue
            }
            if result[hs] != nil {
                errors.append(
                    BundleError(
                        code: "catalog.duplicate", file: file, line: row.line, value: hs,
                        message: "List each subheading once; this code appears on an earlier row too."))
                continue
            }
            result[hs] = row.fields[text]
        }
        if result.isEmpty && errors.isEmpty {
            errors.append(
                BundleError(
                    code: "catalog.csv", file: file,
                    message: "Add the six-digit subheadings (rows with level 6); none were found."))
        }
        if !errors.isEmpty { throw BundleErrors(errors) }
        return result
    }
}

/// RFC 4180 CSV: fields separated by commas, quoted with `"` (a quote inside is doubled), quoted fields
/// may hold commas and line breaks; lines end with LF or CR LF; a leading byte-order mark is skipped.
struct CSVRows {
    /// A record with the 1-based line it starts on.
    struct Row: Equatable {
        var line: Int
        var fields: [String]
    }

    static func parse(_ text: String, file: String) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var rowLine = 1
        var inQuotes = false
        var quoteLine = 1
        var fieldWasQuoted = false
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            fieldWasQuoted = false
        }
        func endRow() {
            endField()
            rows.append(Row(line: rowLine, fields: fields))
            fields = []
        }
        while let c = pending {
            pending = iterator.next()
            if inQuotes {
                if c == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case ",":
                endField()
            case "\r" where pending == "\n":
                continue
            case "\n":
                endRow()
                line += 1
                rowLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes {
            throw BundleErrors(
                BundleError(
                    code: "catalog.csv", file: file, line: quoteLine,
                    message: "Close the quoted field that opens on this line with a \"."))
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRow() }
        return rows
    }
}

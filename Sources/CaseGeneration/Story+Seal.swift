import CargoModel

extension Story {
    /// The seal, its log from stuffing to the inspection point, and what the officer will find at the door.
    mutating func writeSealStory() {
        let makers = index.sealMakers
        let highSecurityMakers = makers.filter { $0.kinds.contains(.bolt) || $0.kinds.contains(.cable) }
        let indicativeMakers = makers.filter { $0.kinds.contains(.indicative) }
        let maker: SealMaker
        var kind: SealKind
        var securityClass: SealClass = .highSecurity
        if sealStory == .indicativeOnly || planned.contains(.nonCompliantSealClass), !indicativeMakers.isEmpty {
            maker = sealRandom.pick(indicativeMakers)
            kind = .indicative
            securityClass = .indicative
        } else {
            maker = sealRandom.pick(highSecurityMakers.isEmpty ? makers : highSecurityMakers)
            kind =
                maker.kinds.contains(.bolt) && (sealRandom.chance(0.8) || !maker.kinds.contains(.cable))
                ? .bolt : .cable
        }
        if containerType.family == .tank { kind = maker.kinds.contains(.cable) ? .cable : kind }
        seal = Seal(
            number: spec.sealNumber ?? sealNumber(maker), securityClass: securityClass, kind: kind, maker: maker.id)
        var manifestNumber = seal.number
        if sealStory == .numberMismatch { manifestNumber = clericalSlip(of: seal.number) }
        billOfLading.sealNumbers = [manifestNumber]

        // The log, from stuffing to the inspection point.
        let originClerk = personName(country: shipper.country)
        var log: [SealLogEntry] = [
            SealLogEntry(
                event: .affixed, actor: sealRandom.chance(0.7) ? .shipper : .packer, place: origin.locode,
                time: Instant(date: stuffingDate, hour: sealRandom.int(in: 9...18), minute: sealRandom.int(in: 0...59)),
                numberRead: seal.number, check: nil, recordedBy: originClerk)
        ]
        let gateIn =
            vantage == .export ? inspectionDate : max(stuffingDate, onBoard.adding(days: -sealRandom.int(in: 1...2)))
        log.append(
            SealLogEntry(
                event: .verified, actor: .terminal, place: origin.locode,
                time: Instant(date: gateIn, hour: sealRandom.int(in: 0...23), minute: sealRandom.int(in: 0...59)),
                numberRead: seal.number, check: .passed, recordedBy: gateClerk()))
        var current = seal.number
        var doorSeal = seal!
        let inspectedVia = vantage == .transhipment ? 1 : (vantage == .import ? via.count : 0)
        for i in 0..<inspectedVia {
            let when = Instant(
                date: viaArrivals[i], hour: sealRandom.int(in: 0...23), minute: sealRandom.int(in: 0...59))
            let lateRecord = planned.contains(.sealChangedWithoutRecord) && sealStory == .intact && !irregular
            if i == 0, sealStory == .changedAtTranshipment || lateRecord {
                if lateRecord {
                    // A clean box whose seal a terminal replaced after an inspection: the record reaches the file late.
                    explanations[.sealChangedWithoutRecord] = "replacementRecordLate"
                    explanations[.sealNumberMismatch] = "replacementRecordLate"
                }
                let other = makers.filter {
                    $0.id != maker.id && ($0.kinds.contains(.bolt) || $0.kinds.contains(.cable))
                }
                let newMaker = other.isEmpty ? maker : sealRandom.pick(other)
                doorSeal = Seal(
                    number: sealNumber(newMaker), securityClass: .highSecurity, kind: doorSeal.kind, maker: newMaker.id)
                current = doorSeal.number
            } else if i == 0, planned.contains(.sealNumberMismatch), sealStory != .numberMismatch {
                // An earlier inspection at the hub, recorded: old seal removed, customs seal affixed.
                log.append(
                    SealLogEntry(
                        event: .removed, actor: .customs, place: via[i].locode, time: when,
                        numberRead: current, check: .passed, recordedBy: gateClerk()))
                let newMaker = sealRandom.pick(highSecurityMakers.isEmpty ? makers : highSecurityMakers)
                doorSeal = Seal(
                    number: sealNumber(newMaker), securityClass: .highSecurity, kind: .bolt, maker: newMaker.id)
                current = doorSeal.number
                log.append(
                    SealLogEntry(
                        event: .replaced, actor: .customs, place: via[i].locode, time: when.adding(minutes: 95),
                        numberRead: current, check: .passed, recordedBy: gateClerk()))
                explanations[.sealNumberMismatch] = "sealReplacedWithRecord"
                continue
            }
            log.append(
                SealLogEntry(
                    event: .verified, actor: .terminal, place: via[i].locode, time: when,
                    numberRead: current, check: nil, recordedBy: gateClerk()))
        }
        if vantage == .import {
            log.append(
                SealLogEntry(
                    event: .verified, actor: .terminal, place: discharge.locode,
                    time: Instant(
                        date: inspectionDate.adding(days: -1), hour: sealRandom.int(in: 0...23),
                        minute: sealRandom.int(in: 0...59)),
                    numberRead: current, check: .passed, recordedBy: gateClerk()))
        }
        // Clerks' clocks and our draws may put two events of one day out of order: keep the log
        // in time order with at least 20 minutes between entries, as a real log reads.
        for i in log.indices.dropFirst() where log[i].time <= log[i - 1].time.adding(minutes: 20) {
            log[i].time = log[i - 1].time.adding(minutes: 20 + sealRandom.int(in: 0...240))
        }
        sealLog = log

        // The seal as the examining officer finds it.
        let doorMaker = makers.first { $0.id == doorSeal.maker } ?? maker
        var observed = ObservedSeal(
            numberRead: doorSeal.number, kind: doorSeal.kind, securityClass: doorSeal.securityClass,
            makerMark: doorMaker.id,
            boltNumber: doorSeal.kind == .bolt ? doorSeal.number : nil,
            bushNumber: doorSeal.kind == .bolt ? doorSeal.number : nil, font: doorMaker.font, check: .passed)
        switch sealStory {
        case .cloned:
            let others = makers.filter { $0.id != maker.id && $0.font != maker.font }
            if sealRandom.chance(0.5), let clone = others.isEmpty ? nil : sealRandom.pick(others) {
                observed.makerMark = clone.id
                observed.font = clone.font
            } else {
                let fonts = ["laser-dot", "laser-solid", "stamped", "printed"].filter { $0 != maker.font }
                observed.font = sealRandom.pick(fonts)
            }
            observed.check = VVTTCheck(view: false, verify: true, tug: true, twist: true)
            sealFindings = [.substituted]
        case .boltBushMismatch:
            observed.kind = .bolt
            observed.bushNumber = seal.number
            observed.boltNumber = sealNumber(maker)
            observed.check = VVTTCheck(view: false, verify: false, tug: true, twist: true)
            sealFindings = [.substituted]
        case .changedAtTranshipment:
            observed.check = VVTTCheck(view: true, verify: false, tug: true, twist: true)
            sealFindings = [.numberMismatch, .substituted]
        case .tampered:
            observed.check = VVTTCheck(view: false, verify: true, tug: true, twist: sealRandom.chance(0.5))
            sealFindings = [.tampered]
        case .numberMismatch:
            observed.check = VVTTCheck(view: true, verify: false, tug: true, twist: true)
            sealFindings = [.numberMismatch]
        case .indicativeOnly:
            sealFindings = [.nonCompliantClass]
        case .intact:
            sealFindings = explanations[.sealNumberMismatch] != nil ? [.numberMismatch] : [.intact]
            if bypass != nil { sealFindings = [.bypassed] }
            if irregular, bypass == nil, explanations[.sealNumberMismatch] != nil { sealFindings = [.numberMismatch] }
        }
        if planned.contains(.nonCompliantSealClass), sealStory != .indicativeOnly {
            sealFindings.insert(.nonCompliantClass)
            explanations[.nonCompliantSealClass] = "indicativeSealOnLane"
        }
        observedSeal = observed
    }

    private mutating func sealNumber(_ maker: SealMaker) -> String {
        var digits = ""
        for _ in 0..<maker.digits { digits.append(Character(String(sealRandom.int(in: 0...9)))) }
        return maker.numberPrefix + digits
    }

    /// The same number with two neighbouring digits swapped, as a clerk might type it.
    private mutating func clericalSlip(of number: String) -> String {
        var chars = Array(number)
        let digitPositions = chars.indices.filter {
            chars[$0].isNumber && $0 + 1 < chars.count && chars[$0 + 1].isNumber
                && chars[$0] != chars[$0 + 1]
        }
        if let i = digitPositions.isEmpty ? nil : sealRandom.pick(digitPositions) {
            chars.swapAt(i, i + 1)
        } else {
            chars[chars.count - 1] = chars.last == "1" ? "2" : "1"
        }
        return String(chars)
    }

    private mutating func gateClerk() -> String {
        "GATE-" + String(sealRandom.int(in: 1...40)).leftPadded(to: 2) + "/" + String(sealRandom.int(in: 1000...9999))
    }
}

import CargoModel

extension Story {
    /// The occupancy check before the doors open, as customs services run it on closed boxes: a CO₂ probe between
    /// the door gaskets and a heartbeat detector on the box (the evidence catalogue's `occupancy` model). People inside
    /// raise the CO₂, and so does cargo that breathes: fresh produce in a closed reefer reaches thousands of ppm within
    /// minutes, stored grain, beans and wood pellets a few hundred to a few thousand. A box leaks air (a reefer with its
    /// vent open changes it by the hour), so the reading settles where what is breathed out balances what leaks away.
    /// The heartbeat detector finds most people who are there, and now and then picks up wind, quay traffic or
    /// machinery. Nothing for tanks (no air space to sample). Every other box gets both readings, so the number of
    /// lines says nothing; the readings are significant in a persons case when they show what the people cause.
    mutating func addOccupancyCheck(_ notes: inout Notes) {
        guard let model = generator.catalog.evidence.occupancy, containerType.family != .tank else { return }
        var random = CaseRandom(seed: seed, stream: "occupancy")
        let ambient = random.int(in: model.ambientPPM)
        let goodsVolume = billOfLading.goods.reduce(0) { $0 + $1.volumeM3 }
        let inside = containerType.internalVolumeM3
        let freeAir = max(0.1 * inside, inside - goodsVolume)
        // CO₂ given off, m³ per hour: people at rest, then breathing cargo (mg per kg and hour; CO₂ 1.98 g per litre).
        let persons = anomalies.first?.kind == .persons ? max(1, (anomalies.first?.massKG ?? 140) / 68) : 0
        var emitted = Double(persons) * model.personLitresPerHour / 1000
        let instruction = billOfLading.reefer
        let chilled = (instruction?.setPointC ?? 10) > -5
        for line in billOfLading.goods {
            let chapter = Int(line.hsCode.prefix(2)) ?? 0
            let rate: ClosedRange<Double>? =
                (6...8).contains(chapter) && chilled
                ? model.produceMgPerKgHour
                : [9, 10, 12].contains(chapter) || line.hsCode.hasPrefix("1801") || line.hsCode.hasPrefix("4401")
                    ? model.slowMgPerKgHour : nil
            if let rate { emitted += Double(line.netKG) * random.double(in: rate) / 1e6 / 1.98 }
        }
        // Air changes per hour: a reefer's vent, else what the box leaks (a reefer is built nearly airtight).
        let leak = random.double(in: containerType.family == .reefer ? model.reeferLeakPerHour : model.dryLeakPerHour)
        let vent = instruction.map { $0.nonOperating ? 0 : Double($0.ventilationM3h ?? 0) } ?? 0
        let changes = leak + vent / freeAir
        let excess = Int((emitted / (changes * freeAir) * 1e6).rounded()) + random.int(in: 0...40)
        let reading = min(ambient + excess, model.probeMaximumPPM)
        let cause = persons > 0 && excess >= model.alertAbovePPM
        let parameters = ["ppm": "\(reading)", "ambientPPM": "\(ambient)"]
        notes.add(.doors, .doorsCarbonDioxideMeasured, parameters, cause)
        if excess >= model.alertAbovePPM, !cause {
            incidental.append(Observation(point: .doors, code: .doorsCarbonDioxideMeasured, parameters: parameters))
        }
        let heard = random.chance(persons > 0 ? model.heartbeatFindsPersons : model.heartbeatFalseAlarm)
        notes.add(.doors, heard ? .doorsHeartbeatSignal : .doorsHeartbeatQuiet, [:], heard && persons > 0)
        if heard, persons == 0 { incidental.append(Observation(point: .doors, code: .doorsHeartbeatSignal)) }
    }
}

/// The occupancy check's model (evidence catalogue, `occupancy`): the figures and their sources are in
/// `Assets/catalog/indicator-evidence.json`.
public struct OccupancyModel: Hashable, Sendable, Codable {
    /// CO₂ in the open air at the quay (ppm).
    public var ambientPPM: ClosedRange<Int>
    /// CO₂ one person at rest breathes out (litres per hour).
    public var personLitresPerHour: Double
    /// Respiration of chilled fresh fruit, vegetables and flowers (HS chapters 06–08), mg CO₂ per kg and hour.
    public var produceMgPerKgHour: ClosedRange<Double>
    /// Respiration and off-gassing of stored grain, oil seeds, coffee, cocoa beans and wood pellets (HS 09, 10, 12,
    /// 1801, 4401), mg CO₂ per kg and hour.
    public var slowMgPerKgHour: ClosedRange<Double>
    /// Air changes per hour a closed box leaks: a dry box, a reefer.
    public var dryLeakPerHour: ClosedRange<Double>
    public var reeferLeakPerHour: ClosedRange<Double>
    /// How far above the open air a reading calls for care before opening (ppm), and the probe's top reading.
    public var alertAbovePPM: Int
    public var probeMaximumPPM: Int
    /// Chance that the heartbeat detector picks up people who are inside, and that it signals with nobody there.
    public var heartbeatFindsPersons: Double
    public var heartbeatFalseAlarm: Double
}

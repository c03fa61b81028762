/// Sea distances between the catalogue's ports, on the sea-lane graph of `SeaLanes`.
///
/// The graph: every port joins the other ports of its basin and the basin's gates (straits, capes, canal
/// entrances) along the great circle, times 1.05 for the approach and coastal routeing; gates join along
/// the lanes (great circle times 1.02); canals have their own length and add their transit days. The
/// shortest path gives the distance. Checked against the port-to-port distances of the US National
/// Geospatial-Intelligence Agency's *Distances Between Ports* (Pub. 151) to within about 10 %
/// (`SeaRoutesTests`), which is as close as a sailing time in whole days needs.
///
/// Built once per catalogue: Dijkstra from every port over ports and waypoints, O(P · V²) with V about
/// 160 nodes. Distances are symmetric.
public struct SeaRoutes: Sendable {
    private let portIndex: [String: Int]
    private let portCount: Int
    /// Nautical miles, row-major `portCount × portCount`; `.infinity` when unreachable.
    private let miles: [Double]
    /// Days of canal transits on the shortest path.
    private let canalDays: [Int]

    /// Coastal routeing and port approaches on a port's own legs.
    static let approachFactor = 1.05
    /// Open-sea lanes between waypoints: the great circle, with a little for traffic separation and weather.
    static let laneFactor = 1.02

    public init(ports: [PortInfo], lanes: SeaLanes) {
        var nodes: [(Double, Double)] = ports.map { ($0.latitude, $0.longitude) }
        var nodeIndex: [String: Int] = [:]
        for (i, port) in ports.enumerated() where nodeIndex[port.locode] == nil { nodeIndex[port.locode] = i }
        for waypoint in lanes.waypoints where nodeIndex[waypoint.id] == nil {
            nodeIndex[waypoint.id] = nodes.count
            nodes.append((waypoint.latitude, waypoint.longitude))
        }
        let v = nodes.count
        var weight = [Double](repeating: .infinity, count: v * v)
        var canal = [Int](repeating: 0, count: v * v)
        func join(_ a: Int, _ b: Int, _ miles: Double, days: Int = 0) {
            guard a != b, miles < weight[a * v + b] else { return }
            weight[a * v + b] = miles
            weight[b * v + a] = miles
            canal[a * v + b] = days
            canal[b * v + a] = days
        }
        let gates = Dictionary(lanes.basins.map { ($0.id, $0.gates) }, uniquingKeysWith: { first, _ in first })
        var byBasin: [String: [Int]] = [:]
        for (i, port) in ports.enumerated() { byBasin[port.basin, default: []].append(i) }
        for (basin, members) in byBasin {
            for (k, a) in members.enumerated() {
                for b in members[(k + 1)...] {
                    join(a, b, greatCircleMiles(nodes[a], nodes[b]) * Self.approachFactor)
                }
                for gate in gates[basin] ?? [] {
                    if let g = nodeIndex[gate] {
                        join(a, g, greatCircleMiles(nodes[a], nodes[g]) * Self.approachFactor)
                    }
                }
            }
        }
        for lane in lanes.lanes {
            if let a = nodeIndex[lane.from], let b = nodeIndex[lane.to] {
                join(a, b, greatCircleMiles(nodes[a], nodes[b]) * Self.laneFactor)
            }
        }
        for c in lanes.canals {
            if let a = nodeIndex[c.from], let b = nodeIndex[c.to] { join(a, b, c.nauticalMiles, days: c.days) }
        }

        let n = ports.count
        var miles = [Double](repeating: .infinity, count: n * n)
        var days = [Int](repeating: 0, count: n * n)
        var best = [Double](repeating: .infinity, count: v)
        var bestDays = [Int](repeating: 0, count: v)
        var done = [Bool](repeating: false, count: v)
        for source in 0..<n {
            for i in 0..<v {
                best[i] = .infinity
                bestDays[i] = 0
                done[i] = false
            }
            best[source] = 0
            for _ in 0..<v {
                var u = -1
                var nearest = Double.infinity
                for i in 0..<v where !done[i] && best[i] < nearest {
                    nearest = best[i]
                    u = i
                }
                guard u >= 0 else { break }
                done[u] = true
                for w in 0..<v where !done[w] {
                    let edge = weight[u * v + w]
                    if edge.isFinite, best[u] + edge < best[w] {
                        best[w] = best[u] + edge
                        bestDays[w] = bestDays[u] + canal[u * v + w]
                    }
                }
            }
            for target in 0..<n {
                miles[source * n + target] = best[target]
                days[source * n + target] = bestDays[target]
            }
        }
        // Sums along a path in the other direction can differ in the last bit: keep one figure for both ways.
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) where miles[i * n + j] != miles[j * n + i] {
                let shorter = min(miles[i * n + j], miles[j * n + i])
                days[j * n + i] = miles[i * n + j] <= miles[j * n + i] ? days[i * n + j] : days[j * n + i]
                days[i * n + j] = days[j * n + i]
                miles[i * n + j] = shorter
                miles[j * n + i] = shorter
            }
        }
        portIndex = Dictionary(ports.enumerated().map { ($1.locode, $0) }, uniquingKeysWith: { first, _ in first })
        portCount = n
        self.miles = miles
        canalDays = days
    }

    /// The sea distance between two ports in nautical miles; nil when either is unknown or unreachable.
    public func nauticalMiles(from a: String, to b: String) -> Double? {
        guard let i = portIndex[a], let j = portIndex[b] else { return nil }
        let value = miles[i * portCount + j]
        return value.isFinite ? value : nil
    }

    /// Days of canal transit (Panama, Suez) on the way from `a` to `b`.
    public func canalDays(from a: String, to b: String) -> Int {
        guard let i = portIndex[a], let j = portIndex[b] else { return 0 }
        return canalDays[i * portCount + j]
    }

    /// The distance of a route through `ports` in order (nautical miles); nil when a leg is unknown.
    public func routeMiles(_ ports: [String]) -> Double? {
        var total = 0.0
        for (a, b) in zip(ports, ports.dropFirst()) {
            guard let leg = nauticalMiles(from: a, to: b) else { return nil }
            total += leg
        }
        return total
    }
}

/// Great-circle distance in nautical miles between two (latitude, longitude) points in degrees (haversine,
/// on a sphere of 3,440.065 nm: the mean Earth radius).
func greatCircleMiles(_ p: (Double, Double), _ q: (Double, Double)) -> Double {
    let rad = Double.pi / 180
    let dLat = (q.0 - p.0) * rad, dLon = (q.1 - p.1) * rad
    let h = sin(dLat / 2) * sin(dLat / 2) + cos(p.0 * rad) * cos(q.0 * rad) * sin(dLon / 2) * sin(dLon / 2)
    return 2 * 3440.065 * asin(min(1, h.squareRoot()))
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

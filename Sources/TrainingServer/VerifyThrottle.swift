import CargoModel

/// How many public verifications (`POST /api/verify`) each address may ask for in a sliding minute: a pure state
/// machine, given the time of each request.
///
/// The route needs no account, so the limit keeps a script from walking the verification codes; a person checking
/// certificates by hand never meets it.
struct VerifyThrottle: Sendable {
    let limit: Int
    let windowMilliseconds: Int64
    /// The times of each address's admitted requests within the window, oldest first.
    private var recent: [String: [Int64]] = [:]

    init(perMinute limit: Int) {
        self.limit = max(1, limit)
        windowMilliseconds = 60_000
    }

    /// Admits a request from `address` at `time` (and counts it), or says how many whole seconds to wait.
    mutating func admit(_ address: String, at time: Instant) -> (admitted: Bool, retryAfterSeconds: Int) {
        let now = time.millisecondsSinceEpoch, start = now - windowMilliseconds
        if recent.count > 10_000 { recent = recent.filter { $0.value.last.map { $0 > start } ?? false } }
        var times = recent[address, default: []].filter { $0 > start }
        guard times.count < limit else {
            recent[address] = times
            let wait = times[0] + windowMilliseconds - now
            return (false, Int(max(1, (wait + 999) / 1000)))
        }
        times.append(now)
        recent[address] = times
        return (true, 0)
    }
}

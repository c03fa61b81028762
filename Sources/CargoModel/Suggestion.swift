// Suggestions for typos in names the user wrote (a commodity id, a YAML key, a port).

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
///
/// Compares case-insensitively; a candidate within `max(2, word.count / 3)` edits counts as close.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    let lowered = word.lowercased()
    guard lowered.count <= 200 else { return nil }
    var best: (String, Int)?
    for candidate in candidates {
        let distance = levenshtein(candidate.lowercased(), lowered)
        if best == nil || distance < best!.1 { best = (candidate, distance) }
    }
    guard let best, best.1 <= max(2, word.count / 3), best.1 < max(word.count, 1) else { return nil }
    return best.0
}

/// Levenshtein distance between two strings (in Characters).
public func levenshtein(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// "did you mean" for misspelt names and keys.
enum Suggestions {
    /// The longest name compared by edit distance.
    static let maximumLength = 256

    /// The candidate closest to `name`, if it is close enough to be a likely typo: a few edits away
    /// (case does not count); else the shortest candidate that begins with `name` (`Money` for
    /// `MoneyAmount`); else the longest candidate that `name` begins with (`minimum` for `min`).
    static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let candidates = Array(candidates).filter { $0 != name }
        let lowered = name.lowercased()
        let length = lowered.unicodeScalars.count
        var best: (name: String, distance: Int)?
        // Edit distances are quadratic: names longer than anyone types are left to the prefix rules.
        for candidate in candidates where length <= maximumLength && candidate.unicodeScalars.count <= maximumLength {
            let other = candidate.lowercased()
            let limit = max(1, min(3, other.unicodeScalars.count / 3))
            // The distance is at least the difference in length: skip the work, names may be huge.
            guard abs(other.unicodeScalars.count - length) <= limit else { continue }
            let distance = editDistance(lowered, other)
            guard distance <= limit else { continue }
            if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        if let best { return best.name }
        guard length >= 4 else { return nil }
        let longer = candidates.filter { $0.lowercased().hasPrefix(lowered) }
        if let shortest = longer.min(by: { ($0.unicodeScalars.count, $0) < ($1.unicodeScalars.count, $1) }) {
            return shortest
        }
        return candidates.filter { $0.unicodeScalars.count >= 3 && lowered.hasPrefix($0.lowercased()) }
            .min { ($1.unicodeScalars.count, $0) < ($0.unicodeScalars.count, $1) }
    }

    /// `; did you mean 'X'?` or the empty string.
    static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String {
        closest(to: name, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Edits (insertions, deletions, substitutions and swaps of neighbours) that turn `a` into `b`,
    /// counted in Unicode scalars: the optimal string alignment distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}

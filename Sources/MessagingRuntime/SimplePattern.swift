/// A fast matcher for the regular expressions schemas use most: anchors, literals, `.`, `\d`,
/// `\w`, character classes and quantifiers, without groups or alternation (`^[A-Z]{3}$`,
/// `^[0-9]{4}$`, `^[A-Z]{2,4}-[0-9]+$`). It follows ECMA-262, JSON Schema's dialect: it matches
/// Unicode scalars, `\d` and `\w` are ASCII, `$` is the very end. `Pattern` uses it when a pattern
/// fits and the general regex engine otherwise.
struct SimplePattern: Sendable {
    /// A set of scalars: an ASCII bitmap, plus whether scalars beyond ASCII belong to it.
    struct ScalarSet: Sendable {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var nonASCII = false
        /// `.` matches no line terminator, U+2028 and U+2029 included.
        var excludesLineSeparators = false

        mutating func insert(_ value: UInt32) {
            if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
        }

        mutating func insert(_ range: ClosedRange<UInt32>) {
            for value in range { insert(value) }
        }

        func contains(_ value: UInt32) -> Bool {
            if value < 64 { return low & (1 << UInt64(value)) != 0 }
            if value < 128 { return high & (1 << UInt64(value - 64)) != 0 }
            return nonASCII && !(excludesLineSeparators && (value == 0x2028 || value == 0x2029))
        }

        mutating func invert() {
            low = ~low
            high = ~high
            nonASCII.toggle()
        }
    }

    struct Atom: Sendable {
        var set: ScalarSet
        var min: Int
        var max: Int
    }

    let atoms: [Atom]
    let anchoredStart: Bool
    let anchoredEnd: Bool

    /// Nil when the pattern uses anything beyond the supported subset.
    init?(_ source: String) {
        var scalars = Array(source.unicodeScalars.map(\.value))
        var anchoredStart = false, anchoredEnd = false
        if scalars.first == 0x5E { anchoredStart = true; scalars.removeFirst() }  // ^
        if scalars.last == 0x24 {  // $, unless escaped
            var backslashes = 0
            var index = scalars.count - 2
            while index >= 0, scalars[index] == 0x5C { backslashes += 1; index -= 1 }
            if backslashes % 2 == 0 { anchoredEnd = true; scalars.removeLast() }
        }
        var atoms: [Atom] = []
        var i = 0
        while i < scalars.count {
            var set = ScalarSet()
            let c = scalars[i]
            switch c {
            case 0x5C:  // \
                guard i + 1 < scalars.count, let escaped = Self.escape(scalars[i + 1]) else { return nil }
                set = escaped
                i += 2
            case 0x5B:  // [
                guard let (parsed, next) = Self.characterClass(scalars, from: i + 1) else { return nil }
                set = parsed
                i = next
            case 0x2E:  // .
                set.invert()
                for terminator: UInt32 in [0x0A, 0x0D] { set.low &= ~(1 << UInt64(terminator)) }
                set.excludesLineSeparators = true
                i += 1
            case 0x28, 0x29, 0x7C, 0x5E, 0x24, 0x2A, 0x2B, 0x3F, 0x7B, 0x7D, 0x5D:  // ( ) | ^ $ * + ? { } ]
                return nil
            default:
                guard c < 128 else { return nil }
                set.insert(c)
                i += 1
            }
            var atom = Atom(set: set, min: 1, max: 1)
            if i < scalars.count {
                switch scalars[i] {
                case 0x3F: atom.min = 0; i += 1  // ?
                case 0x2A: atom.min = 0; atom.max = .max; i += 1  // *
                case 0x2B: atom.max = .max; i += 1  // +
                case 0x7B:  // {m}, {m,}, {m,n}
                    guard let (low, high, next) = Self.bounds(scalars, from: i + 1) else { return nil }
                    atom.min = low
                    atom.max = high
                    i = next
                default: break
                }
                // Lazy or possessive quantifiers are beyond the subset.
                if i < scalars.count, scalars[i] == 0x3F || scalars[i] == 0x2B, atom.min != 1 || atom.max != 1 { return nil }
            }
            atoms.append(atom)
        }
        self.atoms = atoms
        self.anchoredStart = anchoredStart
        self.anchoredEnd = anchoredEnd
    }

    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            if !bytes.contains(where: { $0 >= 0x80 }) { return search(bytes) }
            return search(Array(String(decoding: bytes, as: UTF8.self).unicodeScalars.map(\.value)))
        }
    }

    private func search<C: RandomAccessCollection>(_ input: C) -> Bool where C.Element: BinaryInteger, C.Index == Int {
        if anchoredStart { return match(input, atom: 0, at: input.startIndex) }
        for start in input.startIndex...input.endIndex where match(input, atom: 0, at: start) { return true }
        return false
    }

    private func match<C: RandomAccessCollection>(_ input: C, atom index: Int, at position: Int) -> Bool
    where C.Element: BinaryInteger, C.Index == Int {
        guard index < atoms.count else { return !anchoredEnd || position == input.endIndex }
        let atom = atoms[index]
        var count = 0
        while count < atom.max, position + count < input.endIndex, atom.set.contains(UInt32(input[position + count])) {
            count += 1
        }
        guard count >= atom.min else { return false }
        if index == atoms.count - 1 {
            // The last atom: the greedy count decides, unless the end anchor needs fewer.
            return !anchoredEnd || position + count == input.endIndex
        }
        for taken in stride(from: count, through: atom.min, by: -1) where match(input, atom: index + 1, at: position + taken) {
            return true
        }
        return false
    }

    private static func escape(_ c: UInt32) -> ScalarSet? {
        var set = ScalarSet()
        switch c {
        case 0x64: set.insert(0x30...0x39)  // \d
        case 0x44: set.insert(0x30...0x39); set.invert()  // \D
        case 0x77: set.insert(0x30...0x39); set.insert(0x41...0x5A); set.insert(0x61...0x7A); set.insert(0x5F)  // \w
        case 0x57: set.insert(0x30...0x39); set.insert(0x41...0x5A); set.insert(0x61...0x7A); set.insert(0x5F); set.invert()
        default:
            // An escaped punctuation character stands for itself; letters and digits are classes or references.
            guard c < 128, !(0x30...0x39).contains(c), !(0x41...0x5A).contains(c), !(0x61...0x7A).contains(c) else { return nil }
            set.insert(c)
        }
        return set
    }

    /// `[...]` from after the `[`: the set and the index after the `]`.
    private static func characterClass(_ s: [UInt32], from start: Int) -> (ScalarSet, Int)? {
        var set = ScalarSet()
        var i = start
        var negated = false
        if i < s.count, s[i] == 0x5E { negated = true; i += 1 }
        var first = true
        while i < s.count {
            var c = s[i]
            if c == 0x5D, first { return nil }  // `[]`: empty in ECMA-262, a literal `]` elsewhere; leave it to the engine
            if c == 0x5D {
                if negated { set.invert() }
                return (set, i + 1)
            }
            first = false
            if c == 0x5B { return nil }  // nested classes and POSIX classes
            if c == 0x5C {
                guard i + 1 < s.count else { return nil }
                let e = s[i + 1]
                if e == 0x64 || e == 0x77 {
                    guard let class_ = escape(e) else { return nil }
                    set.low |= class_.low
                    set.high |= class_.high
                    i += 2
                    continue
                }
                guard escape(e) != nil, e != 0x44, e != 0x57 else { return nil }
                c = e
                i += 1
            }
            guard c < 128 else { return nil }
            if i + 2 < s.count, s[i + 1] == 0x2D, s[i + 2] != 0x5D {  // a-z
                let upper = s[i + 2]
                guard upper != 0x5C, upper < 128, c <= upper else { return nil }
                set.insert(c...upper)
                i += 3
            } else {
                set.insert(c)
                i += 1
            }
        }
        return nil
    }

    /// `{m}`, `{m,}`, `{m,n}` from after the `{`.
    private static func bounds(_ s: [UInt32], from start: Int) -> (Int, Int, Int)? {
        func number(_ i: inout Int) -> Int? {
            var value = 0, digits = 0
            while i < s.count, (0x30...0x39).contains(s[i]), digits < 6 {
                value = value * 10 + Int(s[i] - 0x30)
                digits += 1
                i += 1
            }
            return digits > 0 ? value : nil
        }
        var i = start
        guard let low = number(&i), i < s.count else { return nil }
        if s[i] == 0x7D { return (low, low, i + 1) }
        guard s[i] == 0x2C else { return nil }
        i += 1
        if i < s.count, s[i] == 0x7D { return (low, .max, i + 1) }
        guard let high = number(&i), i < s.count, s[i] == 0x7D, low <= high else { return nil }
        return (low, high, i + 1)
    }
}

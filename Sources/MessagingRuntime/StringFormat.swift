/// A JSON Schema `format` for strings, checked the way Python's `jsonschema` `FormatChecker` does.
public enum StringFormat: String, Sendable, CaseIterable, Codable {
    /// `^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$`.
    case email
    /// `8-4-4-4-12` hex digits in either case.
    case uuid
    /// An absolute URI: a scheme, `:`, and a non-empty rest made of RFC 3986 characters.
    case uri
    /// An RFC 3339 date-time, such as `2026-11-29T15:04:05.120+01:00`.
    case dateTime = "date-time"
    /// An ISO 8601 calendar date, `YYYY-MM-DD`.
    case date
    /// An RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
    case hostname
    /// A dotted-quad IPv4 address without leading zeros.
    case ipv4
    /// An IPv6 address as Python's `ipaddress.IPv6Address` reads it, without a zone.
    case ipv6

    /// Whether `value` is in this format.
    public func matches(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            switch self {
            case .email: Self.isEmail(bytes)
            case .uuid: Self.isUUID(bytes)
            case .uri: Self.isURI(bytes)
            case .dateTime: RFC3339Fields.parse(bytes) != nil
            case .date: CalendarDate.parse(bytes) != nil
            case .hostname: Self.isHostname(bytes)
            case .ipv4: Self.isIPv4(bytes[...])
            case .ipv6: Self.isIPv6(bytes)
            }
        }
    }

    /// The name of the format in messages, e.g. `email address`.
    public var displayName: String {
        switch self {
        case .email: "email address"
        case .uuid: "UUID"
        case .uri: "URI"
        case .dateTime: "ISO date-time"
        case .date: "ISO date"
        case .hostname: "hostname"
        case .ipv4: "IPv4 address"
        case .ipv6: "IPv6 address"
        }
    }

    // MARK: Scanners

    /// `local@domain`: the local part of letters, digits and `._%+-`, no dot first, last or
    /// twice in a row; the domain of at least two labels of letters, digits and inner hyphens, the
    /// last one (the top level) of two letters or more.
    private static func isEmail(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")
        let localCharacters = ASCIISet.emailLocal, labelCharacters = ASCIISet.hostnameLabel, letters = ASCIISet.letters
        // The local part, up to the first `@`, in one pass.
        var at = 0
        while at < bytes.count, bytes[at] != UInt8(ascii: "@") {
            let byte = bytes[at]
            guard localCharacters.contains(byte), byte != dot || (at > 0 && bytes[at - 1] != dot) else { return false }
            at += 1
        }
        guard at > 0, at < bytes.count - 1, bytes[at - 1] != dot else { return false }
        // The labels between dots (empty ones included), without collecting them.
        var labelCount = 0
        var start = at + 1
        for end in (at + 1)...bytes.count where end == bytes.count || bytes[end] == dot {
            guard end > start, bytes[start] != hyphen, bytes[end - 1] != hyphen,
                !Self.hasReservedHyphens(bytes[start..<end])
            else { return false }
            for index in start..<end where !labelCharacters.contains(bytes[index]) { return false }  // so no second `@`
            labelCount += 1
            if end == bytes.count {  // the top level
                guard end - start >= 2 else { return false }
                for index in start..<end where !letters.contains(bytes[index]) { return false }
            }
            start = end + 1
        }
        return labelCount >= 2
    }

    /// `ab--cd`: hyphens in the third and fourth places are reserved for IDNA's `xn--` labels
    /// (RFC 5891 §4.2.3.1), as JSON Schema tools check.
    private static func hasReservedHyphens(_ label: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard label.count >= 4 else { return false }
        let start = label.startIndex
        guard label[start + 2] == UInt8(ascii: "-"), label[start + 3] == UInt8(ascii: "-") else { return false }
        return !(label[start] | 0x20 == UInt8(ascii: "x") && label[start + 1] | 0x20 == UInt8(ascii: "n"))
    }

    static func isUUID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 36 else { return false }
        let hexDigits = ASCIISet.hexDigits
        for (index, byte) in bytes.enumerated() {
            let valid = index == 8 || index == 13 || index == 18 || index == 23
                ? byte == UInt8(ascii: "-") : hexDigits.contains(byte)
            if !valid { return false }
        }
        return true
    }

    private static func isURI(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon + 1 < bytes.count,
            ASCIISet.letters.contains(bytes[0]),
            bytes[1..<colon].allSatisfy(ASCIISet.schemeCharacters.contains)
        else { return false }
        let allowed = ASCIISet.uriCharacters, hexDigits = ASCIISet.hexDigits
        var index = colon + 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, hexDigits.contains(bytes[index + 1]), hexDigits.contains(bytes[index + 2])
                else { return false }
                index += 3
            } else {
                guard allowed.contains(byte) else { return false }
                index += 1
            }
        }
        return true
    }

    private static func isHostname(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (1...253).contains(bytes.count) else { return false }
        var start = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ".") {
            let label = bytes[start..<end]
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy(ASCIISet.hostnameCharacters.contains)
            else { return false }
            start = end + 1
        }
        return true
    }

    /// Four decimal octets 0...255 of 1 to 3 digits, without leading zeros.
    private static func isIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var octets = 0
        var index = bytes.startIndex
        while true {
            let start = index
            var value = 0
            while index < bytes.endIndex, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
                value = value * 10 + Int(digit)
                index += 1
                if index - start > 3 { return false }
            }
            let length = index - start
            guard length > 0, value <= 255, length == 1 || bytes[start] != UInt8(ascii: "0") else { return false }
            octets += 1
            if index == bytes.endIndex { return octets == 4 }
            guard octets < 4, bytes[index] == UInt8(ascii: ".") else { return false }
            index += 1
        }
    }

    /// Follows `ipaddress.IPv6Address`: split at `:` into at least 3 parts; a last part containing
    /// `.` is an IPv4 address counting as two groups; at most 9 parts; at most one empty part
    /// other than the first and last (the `::`), which must stand for at least one group; an empty
    /// first or last part only as part of a `::`; otherwise exactly 8 groups of 1 to 4 hex digits.
    private static func isIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var partCount = 0
        var firstIsEmpty = false, lastIsEmpty = false, hasIPv4 = false
        var skipIndex: Int?
        var start = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ":") {
            let part = bytes[start..<end]
            let isLast = end == bytes.count
            partCount += 1
            if partCount > 9 { return false }
            if part.isEmpty {
                if partCount == 1 {
                    firstIsEmpty = true
                } else if isLast {
                    lastIsEmpty = true
                } else {
                    if skipIndex != nil { return false }
                    skipIndex = partCount - 1
                }
            } else if isLast, part.contains(UInt8(ascii: ".")) {
                guard isIPv4(part) else { return false }
                hasIPv4 = true
            } else {
                guard part.count <= 4, part.allSatisfy(ASCIISet.hexDigits.contains) else { return false }
            }
            start = end + 1
        }
        guard partCount >= 3 else { return false }
        let groupCount = hasIPv4 ? partCount + 1 : partCount
        guard groupCount <= 9 else { return false }
        guard let skipIndex else { return groupCount == 8 && !firstIsEmpty && !lastIsEmpty }
        let before = firstIsEmpty ? skipIndex - 1 : skipIndex
        let after = lastIsEmpty ? groupCount - skipIndex - 2 : groupCount - skipIndex - 1
        guard !firstIsEmpty || before == 0, !lastIsEmpty || after == 0 else { return false }
        return before + after < 8
    }
}

/// A set of ASCII bytes as a 128-bit mask.
private struct ASCIISet {
    private let low: UInt64, high: UInt64

    private init(_ characters: String) {
        var low: UInt64 = 0, high: UInt64 = 0
        for byte in characters.utf8 {
            if byte < 64 { low |= 1 << byte } else { high |= 1 << (byte - 64) }
        }
        self.low = low
        self.high = high
    }

    private init(ranges: ClosedRange<Character>..., plus extra: String = "") {
        let characters = ranges.flatMap { range in
            (range.lowerBound.asciiValue!...range.upperBound.asciiValue!).map { Character(Unicode.Scalar($0)) }
        }
        self.init(String(characters) + extra)
    }

    func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? low >> byte & 1 != 0 : byte < 128 && high >> (byte - 64) & 1 != 0
    }

    static let letters = ASCIISet(ranges: "A"..."Z", "a"..."z")
    static let hexDigits = ASCIISet(ranges: "0"..."9", "A"..."F", "a"..."f")
    static let emailLocal = ASCIISet(ranges: "A"..."Z", "a"..."z", "0"..."9", plus: "._%+-")
    static let hostnameLabel = ASCIISet(ranges: "A"..."Z", "a"..."z", "0"..."9", plus: "-")
    static let hostnameCharacters = ASCIISet(ranges: "A"..."Z", "a"..."z", "0"..."9", plus: "-")
    static let schemeCharacters = ASCIISet(ranges: "A"..."Z", "a"..."z", "0"..."9", plus: "+.-")
    /// RFC 3986 unreserved and reserved characters (`%` is checked separately).
    static let uriCharacters = ASCIISet(ranges: "A"..."Z", "a"..."z", "0"..."9", plus: "-._~:/?#[]@!$&'()*+,;=")
}

import TestSupport
@testable import MessagingRuntime

extension JSONValue {
    /// A random value nested at most `depth` levels, with every kind of scalar.
    static func random(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: .min ... .max, using: &generator) >> UInt64.random(in: 0..<64, using: &generator))
        case 3: return .double(randomDouble(using: &generator))
        case 4, 5: return .string(randomString(using: &generator))
        case 6:
            let count = Int.random(in: 0..<5, using: &generator)
            return .array((0..<count).map { _ in random(depth: depth - 1, using: &generator) })
        default:
            let count = Int.random(in: 0..<5, using: &generator)
            return .object(JSONObject((0..<count).map { _ in
                JSONObject.Member(key: randomString(using: &generator), value: random(depth: depth - 1, using: &generator))
            }))
        }
    }

    /// A finite double: a random bit pattern, a small decimal or an integral value.
    static func randomDouble(using generator: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<3, using: &generator) {
        case 0:
            var value: Double
            repeat { value = Double(bitPattern: generator.next()) } while !value.isFinite
            return value
        case 1: return Double(Int.random(in: -100_000...100_000, using: &generator)) / 100
        default: return Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &generator))
        }
    }

    /// A short string mixing ASCII, characters that need escaping, and non-ASCII scalars.
    static func randomString(using generator: inout SeededGenerator) -> String {
        let count = Int.random(in: 0..<12, using: &generator)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count {
            let value: UInt32 = switch Int.random(in: 0..<4, using: &generator) {
            case 0: UInt32.random(in: 0..<0x20, using: &generator)
            case 1: [0x22, 0x5C, 0x2F, 0x7F].randomElement(using: &generator)!
            case 2: UInt32.random(in: 0x80...0x10FFFF, using: &generator)
            default: UInt32.random(in: 0x20..<0x7F, using: &generator)
            }
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }
}

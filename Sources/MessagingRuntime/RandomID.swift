import Foundation

/// Random identifiers without Foundation's `UUID()`, which on Linux opens, reads and closes
/// `/dev/urandom` for every id (a third of a gateway request's system calls, by strace).
public enum RandomID {
    /// A version 4 UUID, lower case: `3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b`.
    public static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        let high: UInt64 = (generator.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        let low: UInt64 = (generator.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10
        return hex(high, low, dashes: true)
    }

    /// `bytes` random bytes (at most 16) as lower-case hex, never all zeros.
    public static func hex(bytes: Int) -> String {
        precondition(bytes > 0 && bytes <= 16)
        var generator = SystemRandomNumberGenerator()
        while true {
            let high: UInt64 = generator.next(), low: UInt64 = generator.next()
            let text = String(hex(high, low, dashes: false).prefix(bytes * 2))
            if text.contains(where: { $0 != "0" }) { return text }
        }
    }

    private static let digits: StaticString = "0123456789abcdef"

    private static func hex(_ high: UInt64, _ low: UInt64, dashes: Bool) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            for position in 0..<16 {
                let word = position < 8 ? high : low
                let value = UInt8(truncatingIfNeeded: word >> UInt64(56 - (position % 8) * 8))
                if dashes, position == 4 || position == 6 || position == 8 || position == 10 {
                    buffer[index] = UInt8(ascii: "-")
                    index += 1
                }
                buffer[index] = digits.utf8Start[Int(value >> 4)]
                buffer[index + 1] = digits.utf8Start[Int(value & 0x0F)]
                index += 2
            }
            return index
        }
    }
}

extension UUID {
    /// A random (version 4) UUID from the system's generator, without `UUID()`'s open and read of
    /// `/dev/urandom` per id on Linux.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high: UInt64 = (generator.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        let low: UInt64 = (generator.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> UInt64(56 - index * 8)) }
        return UUID(uuid: (
            byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5), byte(high, 6), byte(high, 7),
            byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5), byte(low, 6), byte(low, 7)
        ))
    }
}

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

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ high: UInt64, _ low: UInt64, dashes: Bool) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            for (word, offset) in [(high, 0), (low, 8)] {
                for byte in 0..<8 {
                    let value = UInt8(truncatingIfNeeded: word >> UInt64(56 - byte * 8))
                    if dashes, [4, 6, 8, 10].contains(offset + byte) {
                        buffer[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    buffer[index] = digits[Int(value >> 4)]
                    buffer[index + 1] = digits[Int(value & 0x0F)]
                    index += 2
                }
            }
            return index
        }
    }
}

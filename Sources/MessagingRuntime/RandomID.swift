import Foundation

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Random identifiers for messages, correlations and traces: unique, not secret. They come from
/// a xoshiro256** generator seeded once from the system's, not from Foundation's `UUID()`, which on
/// Linux opens, reads and closes `/dev/urandom` for every id (a third of a gateway request's
/// system calls, by strace), nor from `SystemRandomNumberGenerator`, a `getrandom` system call
/// per 8 bytes (eight per gateway request). Secrets (tokens, lock values) use the system's.
public enum RandomID {
    /// A version 4 UUID, lower case: `3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b`.
    public static func uuid() -> String {
        let (high, low) = generator.withLock { ($0.next(), $0.next()) }
        return uuid(high, low)
    }

    static func uuid(_ high: UInt64, _ low: UInt64) -> String {
        let high: UInt64 = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        let low: UInt64 = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10
        return hex(high, low, dashes: true)
    }

    /// `bytes` random bytes (at most 16) as lower-case hex, never all zeros.
    public static func hex(bytes: Int) -> String {
        precondition(bytes > 0 && bytes <= 16)
        while true {
            let (high, low) = generator.withLock { ($0.next(), $0.next()) }
            if bytes <= 8 ? high >> (64 - 8 * bytes) != 0 : high != 0 || low >> (128 - 8 * bytes) != 0 {
                return hex(high, low, dashes: false, bytes: bytes)
            }
        }
    }

    private static let generator = Mutex(Xoshiro256StarStar())

    private static let digits: StaticString = "0123456789abcdef"

    /// The first `bytes` bytes of `high` then `low` (most significant first) in hex.
    private static func hex(_ high: UInt64, _ low: UInt64, dashes: Bool, bytes: Int = 16) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            for position in 0..<bytes {
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
    /// `/dev/urandom` per id on Linux: one `getrandom` for the 16 bytes (`arc4random_buf`), where
    /// `SystemRandomNumberGenerator` makes one per 8.
    public static func random() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { buffer in
            #if canImport(Glibc)
            arc4random_buf(buffer.baseAddress!, 16)
            #else
            var generator = SystemRandomNumberGenerator()
            buffer.storeBytes(of: generator.next(), toByteOffset: 0, as: UInt64.self)
            buffer.storeBytes(of: generator.next(), toByteOffset: 8, as: UInt64.self)
            #endif
            buffer[6] = (buffer[6] & 0x0F) | 0x40  // version 4
            buffer[8] = (buffer[8] & 0x3F) | 0x80  // variant 10
        }
        return UUID(uuid: bytes)
    }
}

/// xoshiro256** (Blackman and Vigna): fast, 256 bits of state, seeded from the system's generator.
struct Xoshiro256StarStar: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var system = SystemRandomNumberGenerator()
        repeat {
            state = (system.next(), system.next(), system.next(), system.next())
        } while state == (0, 0, 0, 0)
    }

    /// A given state (tests: the reference implementation's outputs).
    init(state: (UInt64, UInt64, UInt64, UInt64)) { self.state = state }

    mutating func next() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = state.3.rotatedLeft(by: 45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

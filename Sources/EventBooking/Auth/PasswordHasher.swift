import Crypto
import Dispatch
import Foundation
import _CryptoExtras

/// Hashes passwords with PBKDF2-HMAC-SHA256 and a random 16-byte salt per password, and checks
/// them in constant time. The stored form names its algorithm and iteration count,
/// `pbkdf2-sha256$210000$<salt>$<hash>` (base64), so that the count can rise later without
/// invalidating old hashes.
///
/// The work runs on a dispatch queue, not on the cooperative thread pool that serves requests:
/// a login takes tens of milliseconds of CPU by design.
public struct PasswordHasher: Sendable {
    /// PBKDF2 iterations for new hashes. The default is the floor swift-crypto accepts for
    /// SHA-256 without the `unsafe` spelling (OWASP asks 600,000 today; tune it to the machine).
    public var iterations: Int

    public init(iterations: Int = 210_000) {
        precondition(iterations >= 1, "PBKDF2 needs at least one iteration")
        self.iterations = iterations
    }

    static let algorithm = "pbkdf2-sha256"
    static let saltBytes = 16
    static let hashBytes = 32

    /// The stored form of `password`, with a new salt.
    public func hash(_ password: String) async throws -> String {
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: .min ... .max) }
        let iterations = iterations
        let derived = try await Self.offload { try Self.derive(password, salt: salt, iterations: iterations) }
        return [Self.algorithm, String(iterations), Data(salt).base64EncodedString(), Data(derived).base64EncodedString()]
            .joined(separator: "$")
    }

    /// Whether `password` is the one `stored` was made from. A stored form this type cannot
    /// read never matches.
    public func verify(_ password: String, against stored: String) async throws -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.algorithm, let iterations = Int(parts[1]), iterations >= 1,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
            expected.count == Self.hashBytes
        else { return false }
        let derived = try await Self.offload { try Self.derive(password, salt: Array(salt), iterations: iterations) }
        return Self.constantTimeEqual(derived, Array(expected))
    }

    /// Spends the same work as a verification, for a login whose email is unknown: the answer
    /// then takes as long as for a wrong password, and does not tell which emails exist.
    public func spendVerificationTime(_ password: String) async throws {
        let iterations = iterations
        _ = try await Self.offload { try Self.derive(password, salt: [UInt8](repeating: 0, count: Self.saltBytes), iterations: iterations) }
    }

    static func derive(_ password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: hashBytes, unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Array($0) }
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static let queue = DispatchQueue(label: "switchboard.password-hasher", attributes: .concurrent)

    private static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result(catching: work)) }
        }
    }
}

import Crypto
import Foundation

/// An Ed25519 key pair in the NKey encoding NATS uses: base32 (RFC 4648, no padding) of a prefix
/// byte that says what the key is (`U` user, `A` account, `O` operator…), the key and a CRC-16.
/// A seed (`SU…`) holds the private key; the client signs the server's nonce with it.
public struct NKeyPair: Sendable {
    /// What a key belongs to: the prefix byte of its encoding.
    public struct Role: Sendable, Hashable {
        public let prefix: UInt8
        public static let user = Role(prefix: 20 << 3)  // U
        public static let account = Role(prefix: 0)  // A
        public static let `operator` = Role(prefix: 14 << 3)  // O
        public static let server = Role(prefix: 13 << 3)  // N
        public static let cluster = Role(prefix: 2 << 3)  // C
        static let all = [user, account, `operator`, server, cluster]
    }

    private static let seedPrefix: UInt8 = 18 << 3  // S

    public let role: Role
    private let key: Curve25519.Signing.PrivateKey

    /// Decodes a seed such as `SUAM…`.
    /// - Throws: `NATSClientError(.invalidCredentials)`, without the seed's text in the message.
    public init(seed: String) throws(NATSClientError) {
        let trimmed = seed.trimmingCharacters(in: .whitespacesAndNewlines)
        if let raw = Base32.decode(trimmed), raw.count == 35, Self.checksumIsValid(raw) {
            throw NATSClientError(.invalidCredentials, "the NKey is a public key, not a seed (a seed starts with S)")
        }
        guard let raw = Base32.decode(trimmed), raw.count == 36, Self.checksumIsValid(raw) else {
            throw NATSClientError(.invalidCredentials, "the NKey seed is not valid (encoding or checksum)")
        }
        guard raw[0] & 0b1111_1000 == Self.seedPrefix else {
            throw NATSClientError(.invalidCredentials, "the NKey is not a seed (a seed starts with S)")
        }
        let rolePrefix = (raw[0] & 0b111) << 5 | (raw[1] & 0b1111_1000) >> 3
        guard let role = Role.all.first(where: { $0.prefix == rolePrefix }) else {
            throw NATSClientError(.invalidCredentials, "the NKey seed has an unknown role")
        }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw[2..<34]) else {
            throw NATSClientError(.invalidCredentials, "the NKey seed is not an Ed25519 key")
        }
        self.role = role
        self.key = key
    }

    /// A new random key pair (for tests and tools).
    public init(random role: Role) {
        self.role = role
        self.key = Curve25519.Signing.PrivateKey()
    }

    /// The public key, `U…` for a user: what the server's configuration lists.
    public var publicKey: String { Self.encode([role.prefix], key.publicKey.rawRepresentation) }

    /// The seed, `SU…` for a user.
    public var seed: String {
        Self.encode([Self.seedPrefix | role.prefix >> 5, (role.prefix & 0b11111) << 3], key.rawRepresentation)
    }

    /// The Ed25519 signature of `data`.
    public func sign(_ data: some DataProtocol) -> Data {
        (try? key.signature(for: data)) ?? Data()
    }

    /// The signature of the server's nonce as CONNECT's `sig` wants it: base64url without padding.
    public func signNonce(_ nonce: String) -> String { Base64URL.encode(sign(Data(nonce.utf8))) }

    private static func encode(_ prefix: [UInt8], _ key: some DataProtocol) -> String {
        var raw = prefix + Array(key)
        let crc = CRC16.xmodem(raw)
        raw += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        return Base32.encode(raw)
    }

    private static func checksumIsValid(_ raw: [UInt8]) -> Bool {
        let body = raw.dropLast(2)
        return CRC16.xmodem(body) == UInt16(raw[raw.count - 2]) | UInt16(raw[raw.count - 1]) << 8
    }
}

/// CRC-16/XMODEM (polynomial 0x1021, initial value 0), the NKey checksum.
enum CRC16 {
    static func xmodem(_ bytes: some Collection<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }
}

/// RFC 4648 base32, upper case, without padding.
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int(buffer >> UInt32(bits) & 31)])
            }
        }
        if bits > 0 { output.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// nil for a character outside the alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = character - UInt8(ascii: "A")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = character - UInt8(ascii: "2") + 26
            default: return nil
            }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(buffer >> UInt32(bits) & 0xFF))
            }
        }
        return output
    }
}

/// base64url without padding (RFC 4648 §5), as JWTs and CONNECT's `sig` use it.
public enum Base64URL {
    public static func encode(_ data: some DataProtocol) -> String {
        var text = Data(data).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}

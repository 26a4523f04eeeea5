public import NIOCore
import Foundation

/// An operation the client sends.
public enum ClientOp: Sendable, Hashable {
    case connect(ConnectInfo)
    /// `PUB`, or `HPUB` when there are headers.
    case pub(subject: String, replyTo: String?, headers: NATSHeaders?, payload: ByteBuffer)
    case sub(subject: String, queue: String?, sid: UInt64)
    case unsub(sid: UInt64, max: Int?)
    case ping
    case pong
}

/// The CONNECT options: verbose and pedantic off, headers and no-responders on, and the client's
/// identity and credentials.
public struct ConnectInfo: Sendable, Hashable, Encodable {
    public var verbose = false
    public var pedantic = false
    public var tlsRequired = false
    public var name: String?
    public var lang = "swift"
    public var version = "0.1.0"
    /// 1: the client accepts INFO updates at any time.
    public var `protocol` = 1
    public var echo = true
    public var headers = true
    public var noResponders = true
    public var authToken: String?
    public var user: String?
    public var pass: String?
    public var nkey: String?
    public var jwt: String?
    /// The server's nonce, signed with the NKey.
    public var sig: String?

    public init(name: String? = nil) { self.name = name }

    enum CodingKeys: String, CodingKey {
        case verbose, pedantic, tlsRequired = "tls_required", name, lang, version, `protocol`, echo, headers
        case noResponders = "no_responders", authToken = "auth_token", user, pass, nkey, jwt, sig
    }
}

extension ClientOp {
    /// Appends the operation's bytes to `buffer`.
    /// - Parameter maxPayload: the server's `max_payload`: a message whose headers and payload
    ///   together are larger is refused (as nats.go's `ErrMaxPayload`).
    /// - Throws: `NATSProtocolError` for a subject, queue or header that cannot be written, or a
    ///   message past `maxPayload`; nothing is written then.
    public func write(to buffer: inout ByteBuffer, maxPayload: Int = .max) throws(NATSProtocolError) {
        switch self {
        case .connect(let info):
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            guard let json = try? encoder.encode(info) else { throw NATSProtocolError(.invalidArgument, "CONNECT options") }
            buffer.writeStaticString("CONNECT ")
            buffer.writeBytes(json)
            buffer.writeStaticString("\r\n")
        case .pub(let subject, let replyTo, let headers, let payload):
            try Self.writePublish(subject: subject, replyTo: replyTo, headers: headers, payload: payload, to: &buffer, maxPayload: maxPayload)
        case .sub(let subject, let queue, let sid):
            try Self.check(subject: subject)
            if let queue { try Self.check(subject: queue) }
            buffer.writeStaticString("SUB ")
            buffer.writeString(subject)
            if let queue { buffer.writeSpaced(queue) }
            buffer.writeSpaced(Int(sid))
            buffer.writeStaticString("\r\n")
        case .unsub(let sid, let max):
            buffer.writeString(max.map { "UNSUB \(sid) \($0)\r\n" } ?? "UNSUB \(sid)\r\n")
        case .ping:
            buffer.writeStaticString("PING\r\n")
        case .pong:
            buffer.writeStaticString("PONG\r\n")
        }
    }

    @inline(__always)
    static func check(size: Int, maxPayload: Int) throws(NATSProtocolError) {
        guard size <= maxPayload else { throw tooLarge(size: size, maxPayload: maxPayload) }
    }

    private static func tooLarge(size: Int, maxPayload: Int) -> NATSProtocolError {
        NATSProtocolError(.payloadTooLarge, "a message of \(size) bytes exceeds the server's max_payload of \(maxPayload) bytes")
    }

    /// Subjects and queue names: not empty, no whitespace or control characters.
    static func check(subject: String) throws(NATSProtocolError) {
        let valid = subject.utf8.withContiguousStorageIfAvailable { isValidToken(UnsafeRawBufferPointer($0)) }
            ?? Array(subject.utf8).withUnsafeBytes(isValidToken)
        guard valid else { throw NATSProtocolError(.invalidArgument, "'\(subject)' is not a valid subject") }
    }

    /// Not empty, and no byte is a space, a control character (below 0x21) or DEL (0x7F). Bytes of
    /// multi-byte UTF-8 characters (0x80 and up) pass. Eight bytes at a time: a publish checks its
    /// subject on every call, and a byte loop was 7 % of one.
    static func isValidToken(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        var flags: UInt64 = 0
        var offset = 0
        while offset + 8 <= bytes.count {
            flags |= invalidBytes(base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        // The rest byte by byte, shifted into a word of valid filler. (Not an overlapping load of
        // the last eight: a small string's bytes were just stored to the stack as two words, and a
        // load across both cannot be forwarded from them; that stall cost more than the loop.)
        var tail: UInt64 = 0x6161_6161_6161_6161  // "aaaaaaaa"
        while offset < bytes.count {
            tail = tail << 8 | UInt64(bytes[offset])
            offset += 1
        }
        return flags | invalidBytes(tail) == 0
    }

    /// Nonzero when a byte of `word` is below 0x21 or is 0x7F. Bit tricks exact for "is there
    /// such a byte" (a borrow only spreads upwards from a byte that matched).
    @inline(__always)
    private static func invalidBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x21) & ~word & highBits
        let del = word ^ (ones &* 0x7F)
        return below | ((del &- ones) & ~del & highBits)
    }
}

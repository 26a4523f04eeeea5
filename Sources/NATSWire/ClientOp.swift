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

    static func check(size: Int, maxPayload: Int) throws(NATSProtocolError) {
        guard size <= maxPayload else {
            throw NATSProtocolError(.payloadTooLarge, "a message of \(size) bytes exceeds the server's max_payload of \(maxPayload) bytes")
        }
    }

    /// Subjects and queue names: not empty, no whitespace or control characters.
    static func check(subject: String) throws(NATSProtocolError) {
        let valid = subject.utf8.withContiguousStorageIfAvailable { bytes in
            var valid = !bytes.isEmpty
            for byte in bytes { valid = valid && byte > 0x20 && byte != 0x7F }
            return valid
        } ?? subject.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F } && !subject.isEmpty
        guard valid else { throw NATSProtocolError(.invalidArgument, "'\(subject)' is not a valid subject") }
    }
}

public import NIOCore

/// One RESP reply, as the server sent it.
///
/// `command` turns a top-level error reply into a thrown `RedisError`; `.error` appears only
/// inside arrays (EXEC, scripts) and in the results of `pipeline`.
public enum RedisReply: Sendable, Hashable {
    /// A simple string (`+OK`, `+PONG`).
    case status(String)
    /// An error reply (`-ERR …`, `-NOSCRIPT …`): the server's message.
    case error(String)
    case integer(Int64)
    /// A bulk string: binary-safe bytes.
    case bulk(ByteBuffer)
    /// A nil bulk string or nil array (a missing key, a failed `SET NX`).
    case null
    case array([RedisReply])
}

extension RedisReply {
    /// The text of a bulk string or status (UTF-8, lossily decoded); nil otherwise.
    public var string: String? {
        switch self {
        case .bulk(let buffer): String(buffer: buffer)
        case .status(let text): text
        default: nil
        }
    }

    /// An integer reply, or a bulk string that spells one (as `GET` of a counter).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk(let buffer): Int64(String(buffer: buffer))
        default: nil
        }
    }

    public var array: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// `+OK`.
    public var isOK: Bool { self == .status("OK") }
}

extension RedisReply: CustomStringConvertible {
    public var description: String {
        switch self {
        case .status(let text): "+\(text)"
        case .error(let message): "-\(message)"
        case .integer(let value): ":\(value)"
        case .bulk(let buffer): "\"\(String(buffer: buffer))\""
        case .null: "(nil)"
        case .array(let elements): "[\(elements.map(\.description).joined(separator: ", "))]"
        }
    }
}

public import NIOCore

/// One argument of a command: text, bytes or an integer, sent as a RESP bulk string.
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    enum Storage: Sendable, Hashable {
        case string(String)
        case bytes([UInt8])
        case buffer(ByteBuffer)
        case integer(Int64)
    }

    let storage: Storage

    public init(_ string: String) { storage = .string(string) }
    public init(stringLiteral value: String) { storage = .string(value) }
    public init(bytes: [UInt8]) { storage = .bytes(bytes) }
    public init(_ buffer: ByteBuffer) { storage = .buffer(buffer) }
    public init(_ integer: some BinaryInteger) { storage = .integer(Int64(integer)) }
    public init(integerLiteral value: Int64) { storage = .integer(value) }

    /// Appends the argument's bytes.
    func append(to bytes: inout [UInt8]) {
        switch storage {
        case .string(let string): bytes.append(contentsOf: string.utf8)
        case .bytes(let raw): bytes.append(contentsOf: raw)
        case .buffer(let buffer): bytes.append(contentsOf: buffer.readableBytesView)
        case .integer(let value): bytes.append(contentsOf: String(value).utf8)
        }
    }
}

extension RedisArgument: CustomStringConvertible {
    public var description: String {
        switch storage {
        case .string(let string): string
        case .bytes(let raw): String(decoding: raw, as: UTF8.self)
        case .buffer(let buffer): String(buffer: buffer)
        case .integer(let value): String(value)
        }
    }
}

import Crypto

/// A Lua script and its SHA1, for `EVALSHA`: the server keeps scripts by SHA1, so a call sends
/// the hash, and the source only when the server does not know it (after a restart or
/// `SCRIPT FLUSH`).
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lower-case hex, as `SCRIPT LOAD` returns it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var digits: [UInt8] = []
        for byte in Insecure.SHA1.hash(data: Array(source.utf8)) {
            digits.append(hex[Int(byte >> 4)])
            digits.append(hex[Int(byte & 0x0f)])
        }
        self.sha1 = String(decoding: digits, as: UTF8.self)
    }
}

extension RedisCommandExecutor {
    /// `EVALSHA sha numkeys key… arg…`; when the server answers `NOSCRIPT`, `SCRIPT LOAD` and again.
    @discardableResult
    public func evalSHA(_ script: RedisScript, keys: [String] = [], arguments: [RedisArgument] = []) async throws -> RedisReply {
        let call: [RedisArgument] = ["EVALSHA", RedisArgument(script.sha1), RedisArgument(keys.count)] + keys.map { RedisArgument($0) } + arguments
        do {
            return try await command(call)
        } catch let error as RedisError where error.serverErrorKind == "NOSCRIPT" {
            try await load(script)
            return try await command(call)
        }
    }

    /// `SCRIPT LOAD`.
    public func load(_ script: RedisScript) async throws {
        let reply = try await command("SCRIPT", "LOAD", RedisArgument(script.source))
        guard reply.string == script.sha1 else { throw Self.unexpected(reply, "SCRIPT LOAD") }
    }
}

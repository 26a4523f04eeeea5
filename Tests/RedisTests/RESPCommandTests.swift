import NIOCore
import Testing

@testable import Redis

@Suite struct RESPCommandTests {
    @Test func formatsArgumentsAsBulkStrings() throws {
        let bytes = try RESPCommand.format(["SET", "key", RedisArgument(42)])
        #expect(String(buffer: bytes) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$2\r\n42\r\n")
    }

    @Test func formatsBinaryAndEmptyArguments() throws {
        let binary: [UInt8] = [0, 13, 10, 255]
        let bytes = try RESPCommand.format(["SET", RedisArgument(bytes: binary), "", RedisArgument(ByteBuffer(string: "é"))])
        var expected = ByteBuffer(string: "*4\r\n$3\r\nSET\r\n$4\r\n")
        expected.writeBytes(binary)
        expected.writeString("\r\n$0\r\n\r\n$2\r\né\r\n")
        #expect(bytes == expected)
    }

    @Test func anEmptyCommandIsRefused() {
        #expect(throws: RedisError(.invalidArgument, "a command needs at least its name")) { try RESPCommand.format([]) }
    }

    @Test func interpolatedArguments() throws {
        let key = "user:7"
        let bytes = try RESPCommand.format(["GET", "\(key)"])
        #expect(String(buffer: bytes) == "*2\r\n$3\r\nGET\r\n$6\r\nuser:7\r\n")
    }

    @Test func scriptSHA1IsTheServersHash() {
        // The hash redis-server gives for `SCRIPT LOAD "return 1"`.
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }

    @Test func expirationRoundsUpToWholeMilliseconds() {
        #expect(RedisExpiration.after(.microseconds(1)) == .milliseconds(1))
        #expect(RedisExpiration.after(.milliseconds(1500)) == .milliseconds(1500))
        #expect(RedisExpiration.after(.seconds(2) + .nanoseconds(1)) == .milliseconds(2001))
    }

    @Test func errorsSayWhetherTheyAreTheDependencysFault() {
        #expect(RedisError(.connectFailed, "").isDependencyFailure)
        #expect(RedisError(.timeout, "").isDependencyFailure)
        #expect(!RedisError(.server, "WRONGTYPE Operation against a key").isDependencyFailure)
        #expect(RedisError(.server, "LOADING Redis is loading").isDependencyFailure)
        #expect(RedisError(.connectFailed, "").isRetryable)
        #expect(!RedisError(.connectionLost, "").isRetryable)
        #expect(!RedisError(.timeout, "").isRetryable)
        #expect(RedisError(.server, "NOSCRIPT No matching script").serverErrorKind == "NOSCRIPT")
    }
}

import NIOCore
import Redis
import Testing

@Suite(.serialized, .timeLimit(.minutes(1)))
struct RedisClientTests {
    @Test func helpersSendTheCommandsTheyName() async throws {
        try await withRedis { _, redis in
            try await redis.ping()
            #expect(try await redis.set("greeting", to: "hello"))
            #expect(try await redis.get("greeting") == "hello")
            #expect(try await redis.get("missing") == nil)
            #expect(try await redis.set("greeting", to: "again", condition: .ifNotExists) == false)
            #expect(try await redis.set("fresh", to: "x", condition: .ifExists) == false)
            #expect(try await redis.set("temp", to: "x", condition: .ifNotExists, expiration: .milliseconds(5000)))
            #expect((1...5000).contains(try await redis.pttl("temp")))
            #expect(try await redis.set("long", to: "x", expiration: .seconds(100)))
            #expect((99_000...100_000).contains(try await redis.pttl("long")))
            #expect(try await redis.incr("counter") == 1)
            #expect(try await redis.incr("counter") == 2)
            #expect(try await redis.expire("counter", seconds: 100))
            #expect(try await redis.pexpire("nothing", milliseconds: 10) == false)
            #expect(try await redis.del("greeting", "counter", "nothing") == 2)
            #expect(try await redis.pttl("counter") == -2)

            let binary = ByteBuffer(bytes: [0, 13, 10, 255, 36])
            try await redis.set("binary", to: RedisArgument(binary))
            #expect(try await redis.getBuffer("binary") == binary)

            #expect(try await redis.command("HSET", "hash", "field", "value") == .integer(1))
            #expect(try await redis.command("HGETALL", "hash") == .array([.bulk(ByteBuffer(string: "field")), .bulk(ByteBuffer(string: "value"))]))
            #expect(try await redis.command("LPOP", "no-list") == .null)
        }
    }

    @Test func anErrorReplyIsATypedErrorWithTheServersMessage() async throws {
        try await withRedis { _, redis in
            try await redis.set("text", to: "abc")
            let error = await #expect(throws: RedisError.self) { try await redis.incr("text") }
            #expect(error?.code == .server)
            #expect(error?.message == "ERR value is not an integer or out of range")
            await #expect(throws: RedisError(.server, "WRONGTYPE Operation against a key holding the wrong kind of value")) {
                try await redis.command("LPUSH", "text", "x")
            }
            try await redis.ping()  // the connection is still fine
        }
    }

    @Test func pipelinedCommandsKeepTheirOrder() async throws {
        try await withRedis { _, redis in
            let connection = redis.connection
            var commands: [[RedisArgument]] = []
            for index in 0..<500 {
                commands.append(["SET", "key:\(index)", RedisArgument(index)])
                commands.append(["GET", "key:\(index)"])
            }
            commands.insert(["NOSUCHCOMMAND"], at: 10)
            let replies = try await connection.pipeline(commands)
            #expect(replies.count == 1001)
            #expect(replies[10].string == nil)
            if case .error(let message) = replies[10] { #expect(message.hasPrefix("ERR unknown command")) } else { Issue.record("no error reply") }
            let gets = replies.enumerated().filter { $0.offset != 10 && commands[$0.offset][0] == "GET" }.map(\.element)
            #expect(gets == (0..<500).map { .bulk(ByteBuffer(string: String($0))) })

            // Many tasks on one connection: all in flight at once, one socket.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<400 { group.addTask { try await connection.incr("shared") } }
                try await group.waitForAll()
            }
            #expect(try await connection.get("shared") == "400")
            #expect(connection.statistics.dials == 1)
        }
    }

    @Test func evalSHALoadsTheScriptAgainAfterScriptFlush() async throws {
        try await withRedis { _, redis in
            let script = RedisScript("return redis.call('incrby', KEYS[1], ARGV[1])")
            #expect(try await redis.evalSHA(script, keys: ["n"], arguments: [5]) == .integer(5))
            try await redis.command("SCRIPT", "FLUSH")
            #expect(try await redis.command("SCRIPT", "EXISTS", "\(script.sha1)") == .array([.integer(0)]))
            #expect(try await redis.evalSHA(script, keys: ["n"], arguments: [2]) == .integer(7))
            #expect(try await redis.command("SCRIPT", "EXISTS", "\(script.sha1)") == .array([.integer(1)]))
            await #expect(throws: RedisError.self) { try await redis.evalSHA(RedisScript("return redis.call('nope')")) }
        }
    }

    @Test func authenticatesWithAUserAndSelectsTheDatabase() async throws {
        try await withRedis { server, admin in
            try await admin.command("ACL", "SETUSER", "alice", "on", ">s3cret", "~*", "&*", "+@all")
            let alice = RedisClient(options: RedisOptions(port: server.port, username: "alice", password: "s3cret", database: 2))
            try await alice.set("where", to: "db2")
            #expect(try await admin.get("where") == nil)
            #expect(try await admin.command("ACL", "WHOAMI") == .bulk(ByteBuffer(string: "default")))
            #expect(try await alice.command("ACL", "WHOAMI") == .bulk(ByteBuffer(string: "alice")))
            let db2 = RedisConnection(options: RedisOptions(port: server.port, database: 2))
            #expect(try await db2.get("where") == "db2")
            await alice.close()
            await db2.close()

            let wrong = RedisConnection(options: RedisOptions(port: server.port, username: "alice", password: "wrong"))
            let error = await #expect(throws: RedisError.self) { try await wrong.ping() }
            #expect(error?.code == .handshakeFailed)
            #expect(error?.message.contains("WRONGPASS") == true)
            await wrong.close()
        }
    }

    @Test func theNextCommandAfterALossRedialsAndReplaysAuthAndSelect() async throws {
        try await withRedis(serverArguments: ["--requirepass", "pw"], configure: { $0.password = "pw"; $0.database = 1; $0.poolSize = 1 }) { server, redis in
            try await redis.set("before", to: "1")
            server.stop()
            await #expect(throws: RedisError.self) { try await redis.ping() }
            try server.start()
            // No data survives (no persistence); the new connection is authenticated and on db 1.
            #expect(try await redis.get("before") == nil)
            try await redis.set("after", to: "2")
            let db1 = RedisConnection(options: RedisOptions(port: server.port, password: "pw", database: 1))
            #expect(try await db1.get("after") == "2")
            await db1.close()
            #expect(redis.statistics.dials >= 2)
        }
    }

    @Test func aLostConnectionFailsTheCommandsInFlight() async throws {
        try await withRedis { server, redis in
            let connection = redis.connection
            try await connection.ping()
            let blocked = Task { try await connection.command("BLPOP", "never", "0") }
            try await Task.sleep(for: .milliseconds(200))
            server.stop()
            let error = await #expect(throws: RedisError.self) { try await blocked.value }
            #expect(error?.code == .connectionLost)
            let refused = await #expect(throws: RedisError.self) { try await connection.ping() }
            #expect(refused?.code == .connectFailed)
        }
    }

    @Test func aHungServerTimesOutAndTheNextCommandRedials() async throws {
        try await withRedis(configure: { $0.commandTimeout = .milliseconds(300); $0.poolSize = 1 }) { server, redis in
            try await redis.ping()
            server.pause()
            let error = await #expect(throws: RedisError.self) { try await redis.ping() }
            #expect(error?.code == .timeout)
            server.resume()
            try await redis.ping()
            #expect(redis.statistics.dials == 2)
        }
    }
}

import NIOCore
import Synchronization
import Testing

@testable import Redis

@Suite(.serialized, .timeLimit(.minutes(1)))
struct IdempotencyStoreTests {
    @Test func concurrentDuplicatesRunTheHandlerOnce() async throws {
        try await withRedis(configure: { $0.poolSize = 4 }) { _, redis in
            let store = IdempotencyStore(redis)
            let runs = Shared(0)
            let replies = try await withThrowingTaskGroup(of: IdempotentReply.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await store.process(messageID: "msg-1") {
                            runs.update { $0 += 1 }
                            try await Task.sleep(for: .milliseconds(200))
                            return ByteBuffer(string: "booked #1")
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(runs.current == 1)
            #expect(replies.count == 20)
            #expect(replies.allSatisfy { $0.reply == ByteBuffer(string: "booked #1") })
            #expect(replies.filter { !$0.isDuplicate }.count == 1)
        }
    }

    @Test func aLaterDuplicateGetsTheStoredReply() async throws {
        try await withRedis { _, redis in
            let store = IdempotencyStore(redis, options: IdempotencyOptions(ttl: .seconds(60)))
            let first = try await store.process(messageID: "msg-2") { ByteBuffer(string: "ok") }
            #expect(first == IdempotentReply(reply: ByteBuffer(string: "ok"), isDuplicate: false))
            let second = try await store.process(messageID: "msg-2") {
                Issue.record("the handler ran again")
                return ByteBuffer(string: "again")
            }
            #expect(second == IdempotentReply(reply: ByteBuffer(string: "ok"), isDuplicate: true))
            #expect((50_000...60_000).contains(try await redis.pttl("idempotency:msg-2")))
            try await store.forget(messageID: "msg-2")
            #expect(try await store.process(messageID: "msg-2") { ByteBuffer(string: "again") }.isDuplicate == false)
        }
    }

    @Test func aFailedHandlerGivesItsClaimUp() async throws {
        struct Refused: Error {}
        try await withRedis { _, redis in
            let store = IdempotencyStore(redis)
            await #expect(throws: Refused.self) { try await store.process(messageID: "msg-3") { throw Refused() } }
            let retried = try await store.process(messageID: "msg-3") { ByteBuffer(string: "second try") }
            #expect(retried == IdempotentReply(reply: ByteBuffer(string: "second try"), isDuplicate: false))
        }
    }

    @Test func aDuplicateIsToldTheFirstIsInProgressWhenItCannotWait() async throws {
        try await withRedis { _, redis in
            let store = IdempotencyStore(redis, options: IdempotencyOptions(waitTimeout: .milliseconds(150)))
            let started = Shared(false)
            let first = Task {
                try await store.process(messageID: "msg-4") {
                    started.update { $0 = true }
                    try await Task.sleep(for: .seconds(1))
                    return ByteBuffer(string: "slow")
                }
            }
            while !started.current { try await Task.sleep(for: .milliseconds(5)) }
            let waited = ContinuousClock.now
            await #expect(throws: IdempotencyError(messageID: "msg-4")) {
                try await store.process(messageID: "msg-4") { ByteBuffer(string: "duplicate") }
            }
            #expect(ContinuousClock.now - waited < .milliseconds(900))
            #expect(try await first.value.reply == ByteBuffer(string: "slow"))
        }
    }
}

@testable import NATSClient
import NATSWire
import NIOCore
import Testing

/// The pending limits of one subscription, without sockets.
@Suite struct SubscriptionBufferTests {
    func message(_ text: String) -> InboundMessage {
        InboundMessage(subject: "s", sid: 1, payload: ByteBuffer(string: text))
    }

    /// What a drain waits for: every reader done, handed the end after every message or gone
    /// (a loop left early, a cancelled task); nothing for a subscription no task reads.
    @Test func readToEndWaitsUntilNoReaderIsBusy() async {
        let unread = SubscriptionBuffer(limits: .unlimited)
        _ = unread.yield(message("kept"))
        unread.finish()
        await unread.readToEnd()  // returns at once: nobody reads it
        #expect(await unread.next()?.payload == ByteBuffer(string: "kept"), "its message is still there")

        let buffer = SubscriptionBuffer(limits: .unlimited)
        let reader = SubscriptionBuffer.Reader(of: buffer)  // an iterator that has begun
        _ = buffer.yield(message("a"))
        #expect(await buffer.next()?.payload == ByteBuffer(string: "a"))
        _ = buffer.yield(message("b"))
        buffer.finish()
        #expect(!buffer.readersDone, "a message is still unread")
        #expect(await buffer.next()?.payload == ByteBuffer(string: "b"))
        #expect(!buffer.readersDone, "the reader has not asked for more: it may be busy with b")
        let done = Finished()
        let waiting = Task {
            await buffer.readToEnd()
            done.set()
        }
        #expect(await buffer.next() == nil)
        await waiting.value
        #expect(done.isSet && buffer.readersDone)
        withExtendedLifetime(reader) {}

        // A reader that stops early (its iterator goes away) is done too.
        let left = SubscriptionBuffer(limits: .unlimited)
        var early: SubscriptionBuffer.Reader? = SubscriptionBuffer.Reader(of: left)
        _ = left.yield(message("x"))
        _ = left.yield(message("y"))
        left.finish()
        #expect(await left.next() != nil)
        #expect(!left.readersDone)
        let leaving = Task { await left.readToEnd() }
        early = nil
        await leaving.value
        #expect(early == nil && left.readersDone, "y was never read, and nobody waits for it")
    }

    @Test func dropsPastTheMessageLimitOneEpisodeAtATime() async {
        let buffer = SubscriptionBuffer(limits: .init(messages: 2, bytes: 0))
        #expect(buffer.yield(message("a")) == .accepted)
        #expect(buffer.yield(message("b")) == .accepted)
        #expect(buffer.yield(message("c")) == .dropped(startsEpisode: true))
        #expect(buffer.yield(message("d")) == .dropped(startsEpisode: false), "one event per episode")
        #expect(buffer.counts == (2, 2, 2))
        #expect(await buffer.next()?.payload == ByteBuffer(string: "a"))
        #expect(buffer.yield(message("e")) == .accepted, "room again: the episode ends")
        #expect(buffer.yield(message("f")) == .dropped(startsEpisode: true), "a new episode")
        #expect(buffer.counts == (2, 2, 3))
    }

    @Test func dropsPastTheByteLimitAndCountsWhatTheReaderTookOut() async {
        let buffer = SubscriptionBuffer(limits: .init(messages: 0, bytes: 10))
        #expect(buffer.yield(message("12345")) == .accepted)
        #expect(buffer.yield(message("123456")) == .dropped(startsEpisode: true), "5 + 6 bytes > 10")
        #expect(buffer.yield(message("12345")) == .accepted, "exactly 10 fits")
        #expect(buffer.counts == (2, 10, 1))
        _ = await buffer.next()
        #expect(buffer.counts == (1, 5, 1), "the reader's take frees its bytes")
        buffer.limits = .init(messages: 0, bytes: 100)
        #expect(buffer.yield(message(String(repeating: "x", count: 95))) == .accepted, "new limits apply at once")
    }

    /// Waits (bounded) until a reader is parked in `next()`.
    func parked(_ buffer: SubscriptionBuffer) async {
        for _ in 0..<5_000 where !buffer.hasReader { try? await Task.sleep(for: .milliseconds(1)) }
    }

    @Test func aWaitingReaderIsWokenOncePerBatch() async {
        let buffer = SubscriptionBuffer(limits: .unlimited)
        let reader = Task {
            var texts: [String] = []
            for _ in 0..<3 { if let message = await buffer.next() { texts.append(String(buffer: message.payload)) } }
            return texts
        }
        await parked(buffer)
        #expect(buffer.yield(message("a")) == .acceptedWakeReader)
        #expect(buffer.yield(message("b")) == .accepted, "one wake for the whole batch")
        #expect(buffer.counts == (2, 2, 0) && buffer.hasReader, "nothing handed over before the batch ends")
        buffer.wakeReader()
        await parked(buffer)
        #expect(buffer.counts == (0, 0, 0), "the woken reader took the whole batch without waiting again")
        #expect(buffer.yield(message("c")) == .acceptedWakeReader)
        buffer.wakeReader()
        #expect(await reader.value == ["a", "b", "c"])
    }

    @Test func aReaderWokenByTheEndStillGetsWhatWasQueued() async {
        let buffer = SubscriptionBuffer(limits: .unlimited)
        let reader = Task {
            var texts: [String] = []
            while let message = await buffer.next() { texts.append(String(buffer: message.payload)) }
            return texts
        }
        await parked(buffer)
        #expect(buffer.yield(message("a")) == .acceptedWakeReader)
        #expect(buffer.yield(message("b")) == .accepted)
        buffer.finish()
        #expect(await reader.value == ["a", "b"])
    }

    @Test func finishingEndsTheSequenceAfterWhatIsQueuedAndKeepsTheError() async {
        let buffer = SubscriptionBuffer(limits: .unlimited)
        _ = buffer.yield(message("last"))
        buffer.finish(error: NATSClientError(.permissionViolation, "denied"))
        #expect(buffer.yield(message("late")) == .finished)
        #expect(await buffer.next()?.payload == ByteBuffer(string: "last"))
        #expect(await buffer.next() == nil)
        #expect(await buffer.next() == nil)
        #expect(buffer.error?.code == .permissionViolation)
    }

    @Test func cancellingTheReaderEndsItsWaitButNotTheSubscription() async {
        let buffer = SubscriptionBuffer(limits: .unlimited)
        let reader = Task { await buffer.next() }
        reader.cancel()
        #expect(await reader.value == nil)
        _ = buffer.yield(message("still here"))
        #expect(await buffer.next()?.payload == ByteBuffer(string: "still here"))
    }
}

@Suite struct PermissionViolationTests {
    @Test func readsTheServersMessages() {
        #expect(PermissionViolation(serverMessage: "Permissions Violation for Publish to \"a.b\"") == .init(.publish, subject: "a.b"))
        #expect(PermissionViolation(serverMessage: "Permissions Violation for Subscription to \"a.>\"") == .init(.subscribe, subject: "a.>"))
        #expect(
            PermissionViolation(serverMessage: "Permissions Violation for Subscription to \"a\" using queue \"q\"")
                == .init(.subscribe, subject: "a", queue: "q"))
        for other in ["Authorization Violation", "Permissions Violation for Publish to", "Permissions Violation for Nothing to \"x\"",
            "Permissions Violation for Publish to \"a\" using queue \"q\"", "Permissions Violation for Publish to \"\""]
        {
            #expect(PermissionViolation(serverMessage: other) == nil, "\(other)")
        }
        #expect(PermissionViolation(.subscribe, subject: "a", queue: "q").description == "permission denied to subscribe to 'a' in queue group 'q'")
    }
}

import NATSWire
import NIOCore
import Synchronization

/// The messages a subscription holds for its reader, shared by the event loop (which appends)
/// and the reader's task (which takes out), behind one lock. It keeps the counts a pending
/// limit needs — messages and payload bytes not yet taken — and drops past either limit, as
/// nats.go's `SetPendingLimits` does: a slow-consumer episode starts with the first drop and ends
/// with the next message that fits, so the caller raises one event per episode, not per message.
///
/// A reader waiting for messages is woken once per socket read, not once per message: waking a
/// task costs far more than handing over a message, and it would cost it on the event loop.
final class SubscriptionBuffer: Sendable {
    struct State {
        var queue = CircularBuffer<InboundMessage>(initialCapacity: 16)
        var pendingBytes = 0
        var limits: NATSSubscription.PendingLimits
        var dropped = 0
        /// Between a drop and the next message that fits.
        var isSlow = false
        /// The reader waiting for a message, if any.
        var waiter: UnsafeContinuation<InboundMessage?, Never>?
        /// Messages were queued for the waiting reader since the last `wakeReader()`.
        var wakePending = false
        var finished = false
        /// Why the subscription ended, when not by unsubscribing or closing.
        var error: NATSClientError?
        /// Iterators that have asked for a message and still exist (`Reader`): tasks working
        /// through this subscription.
        var readers = 0
        /// The end has been handed out: its reader is done with every message.
        var handedEnd = false
        /// Tasks waiting until no reader is busy (a drain, `readToEnd()`), by a number of their own.
        var endWaiters: [Int: UnsafeContinuation<Void, Never>] = [:]
        var endWaiterCount = 0

        /// No reader is busy with the subscription any more.
        var readersDone: Bool { handedEnd || readers == 0 }
    }

    /// One iterator reading the subscription, from its first `next()` until it goes away.
    final class Reader: Sendable {
        let buffer: SubscriptionBuffer

        init(of buffer: SubscriptionBuffer) {
            self.buffer = buffer
            buffer.handingOut { $0.readers += 1 }
        }

        deinit { buffer.handingOut { $0.readers -= 1 } }
    }

    enum YieldResult: Equatable {
        case accepted
        /// Queued for a reader that waits: call `wakeReader()` once the read batch is over.
        case acceptedWakeReader
        /// Past a limit: the message was dropped; `startsEpisode` for the first drop in a row.
        case dropped(startsEpisode: Bool)
        case finished
    }

    private let state: Mutex<State>

    init(limits: NATSSubscription.PendingLimits) {
        state = Mutex(State(limits: limits))
    }

    /// Queues `message` if it fits the limits (event loop).
    func yield(_ message: InboundMessage) -> YieldResult {
        let size = message.payload.readableBytes
        return state.withLock { state in
            guard !state.finished else { return .finished }
            let limits = state.limits
            if (limits.messages > 0 && state.queue.count + 1 > limits.messages)
                || (limits.bytes > 0 && state.pendingBytes + size > limits.bytes)
            {
                state.dropped += 1
                let startsEpisode = !state.isSlow
                state.isSlow = true
                return .dropped(startsEpisode: startsEpisode)
            }
            state.queue.append(message)
            state.pendingBytes += size
            state.isSlow = false
            guard state.waiter != nil, !state.wakePending else { return .accepted }
            state.wakePending = true
            return .acceptedWakeReader
        }
    }

    /// Hands the first queued message to the waiting reader, if one still waits.
    func wakeReader() {
        let wake: (UnsafeContinuation<InboundMessage?, Never>, InboundMessage?)? = handingOut { state in
            state.wakePending = false
            guard let waiter = state.waiter, let message = Self.take(from: &state) else { return nil }
            state.waiter = nil
            return (waiter, message)
        }
        if let (waiter, message) = wake { waiter.resume(returning: message) }
    }

    /// Ends the sequence after the messages already queued; `error` tells the reader why.
    func finish(error: NATSClientError? = nil) {
        let wake: (UnsafeContinuation<InboundMessage?, Never>, InboundMessage?)? = handingOut { state in
            guard !state.finished else { return nil }
            state.finished = true
            state.error = error
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            // A reader woken by the end still gets what was queued for it first.
            return (waiter, Self.take(from: &state) ?? nil)
        }
        if let (waiter, message) = wake { waiter.resume(returning: message) }
    }

    /// The next message; nil once finished and empty, or when the reading task is cancelled.
    /// Runs on the caller's actor (no hop for a message that is already here).
    func next(isolation actor: isolated (any Actor)? = #isolation) async -> InboundMessage? {
        if let ready = handingOut({ Self.take(from: &$0) }) { return ready }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation(isolation: actor) { (continuation: UnsafeContinuation<InboundMessage?, Never>) in
                let ready: InboundMessage?? = handingOut { state in
                    if let ready = Self.take(from: &state) { return ready }
                    if Task.isCancelled { return .some(nil) }
                    precondition(state.waiter == nil, "a NATSSubscription is read by one task at a time")
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// A queued message (`.some(message)`), the end (`.some(nil)`), or nil: wait.
    private static func take(from state: inout State) -> InboundMessage?? {
        if let message = state.queue.popFirst() {
            state.pendingBytes -= message.payload.readableBytes
            return .some(message)
        }
        guard state.finished else { return nil }
        state.handedEnd = true
        return .some(nil)
    }

    /// Runs `body` under the lock, as every hand-out to the reader and every change of readers
    /// does; when no reader is busy any more, wakes whoever waits for that (`readToEnd()`),
    /// outside the lock.
    private func handingOut<T>(_ body: (inout State) -> sending T) -> sending T {
        let (result, waiters) = state.withLock { state -> (T, [UnsafeContinuation<Void, Never>]) in
            let result = body(&state)
            guard state.readersDone, !state.endWaiters.isEmpty else { return (result, []) }
            defer { state.endWaiters = [:] }
            return (result, Array(state.endWaiters.values))
        }
        for waiter in waiters { waiter.resume() }
        return result
    }

    /// Returns once no reader is busy with the subscription (a drain waits for this): its reader
    /// has been handed the end, so has finished with every message before it, or has gone (a loop
    /// left early, a cancelled task); at once when no task reads it (its messages stay readable),
    /// or when the waiting task is cancelled.
    func readToEnd() async {
        let id: Int? = state.withLock { state in
            guard !state.readersDone else { return nil }
            state.endWaiterCount += 1
            return state.endWaiterCount
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.readersDone || Task.isCancelled { return true }
                    state.endWaiters[id] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.endWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    var limits: NATSSubscription.PendingLimits {
        get { state.withLock { $0.limits } }
        set { state.withLock { $0.limits = newValue } }
    }

    /// Messages and bytes queued for the reader, and messages dropped so far.
    var counts: (messages: Int, bytes: Int, dropped: Int) {
        state.withLock { ($0.queue.count, $0.pendingBytes, $0.dropped) }
    }

    var error: NATSClientError? { state.withLock { $0.error } }

    /// No reader is busy with the subscription (`readToEnd()` would return at once).
    var readersDone: Bool { state.withLock { $0.readersDone } }

    /// A reader waits for the next message.
    var hasReader: Bool { state.withLock { $0.waiter != nil } }
}

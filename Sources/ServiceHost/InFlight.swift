import Synchronization

/// The messages one endpoint has taken and not yet answered: the bound on them (a full endpoint
/// stops reading, which is how backpressure reaches NATS) and, at shutdown, the wait for the last
/// of them. One task waits at a time: the endpoint's reading loop, then its shutdown. Waits end
/// early when the waiting task is cancelled.
final class InFlight: Sendable {
    private struct State {
        var count = 0
        var expired = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.count } }

    /// A message was taken.
    func take() {
        state.withLock { $0.count += 1 }
    }

    /// A message was answered: the waiting task looks again.
    func done() {
        let waiter = state.withLock { state in
            state.count -= 1
            return state.waiter.take()
        }
        waiter?.resume()
    }

    /// Returns once fewer than `limit` messages are in flight.
    func waitForRoom(below limit: Int) async {
        await wait { $0.count >= limit }
    }

    /// Returns once none is in flight (true) or at `deadline` (false, some still are).
    func waitUntilIdle(until deadline: ContinuousClock.Instant) async -> Bool {
        let timer = Task {
            guard (try? await Task.sleep(until: deadline)) != nil else { return }
            let waiter = state.withLock { state in
                state.expired = true
                return state.waiter.take()
            }
            waiter?.resume()
        }
        defer { timer.cancel() }
        await wait { $0.count > 0 && !$0.expired }
        return count == 0
    }

    /// Suspends while `blocked` holds, or until the task is cancelled.
    private func wait(while blocked: @escaping @Sendable (State) -> Bool) async {
        while !Task.isCancelled, state.withLock({ blocked($0) }) {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    // Checked again under the lock: a `done()` or a cancellation between the check
                    // and here is not lost.
                    let ready = state.withLock { state in
                        guard blocked(state), !Task.isCancelled else { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                state.withLock { $0.waiter.take() }?.resume()
            }
        }
    }
}

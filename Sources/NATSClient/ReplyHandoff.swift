import Foundation
import NATSWire
import NIOCore
import NIOPosix

/// `EventLoopExecutor.Mode.replies`: a hook on Swift's global executor that keeps a task resumed
/// by a NATS reply on the event loop that read the reply, one task per loop turn.
///
/// `resolveReply` resumes the waiting continuation inside ``resume(_:returning:on:)``, which
/// marks the thread as handing off; the runtime enqueues the resumed task synchronously, and the
/// hook holds that job for the loop instead of waking a pool thread. While the held task runs it
/// stays marked, so the hops it makes (back to the generic executor as it leaves the request
/// function) stay on the loop too. A second job in the same turn means replies came together:
/// both go to the pool, as does every job enqueued anywhere else.
enum ReplyHandoff {
    /// Written once by `install`, before the executable starts any task; read by every reply.
    nonisolated(unsafe) private static var isInstalled = false

    private static let turns = ThreadSpecificVariable<Turn>()

    /// One event-loop thread's hand-off state: only that thread touches it (unchecked for the
    /// closure it gives its own loop).
    final class Turn: @unchecked Sendable {
        let loop: any EventLoop
        let executor: EventLoopTaskExecutor
        /// A reply is being resumed, or a task handed off is running.
        var handingOff = false
        var held: UnownedJob?
        /// Two jobs came in this turn: the rest of the turn's go to the pool.
        var isBurst = false

        init(loop: any EventLoop) {
            self.loop = loop
            self.executor = EventLoopTaskExecutor(loop)
        }

        func hold(_ job: UnownedJob) {
            held = job
            loop.execute { self.runHeld() }
        }

        private func runHeld() {
            isBurst = false
            guard let job = held else { return }
            held = nil
            handingOff = true
            job.runSynchronously(on: executor.asUnownedTaskExecutor())
            handingOff = false
        }
    }

    /// Resumes a request with its reply (on the event loop that read it).
    static func resume(
        _ continuation: UnsafeContinuation<InboundMessage, any Error>, returning message: InboundMessage, on loop: any EventLoop
    ) {
        guard isInstalled else { return continuation.resume(returning: message) }
        let turn: Turn
        if let current = turns.currentValue {
            turn = current
        } else {
            turn = Turn(loop: loop)
            turns.currentValue = turn
        }
        turn.handingOff = true
        continuation.resume(returning: message)
        turn.handingOff = false
    }

    /// Every job bound for Swift's global executor, on whichever thread enqueues it.
    private static func enqueue(_ job: UnownedJob, original: @convention(thin) (UnownedJob) -> Void) {
        guard let turn = turns.currentValue, turn.handingOff, !turn.isBurst else { return original(job) }
        guard let earlier = turn.held else { return turn.hold(job) }
        turn.held = nil
        turn.isBurst = true
        original(earlier)
        original(job)
    }

    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Sets the runtime's `swift_task_enqueueGlobal_hook` (as NIO's executor takeover does); false
    /// when it is not there or another hook holds it.
    static func install() -> Bool {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let hook = symbol.assumingMemoryBound(to: UnsafeRawPointer?.self)
        guard hook.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { function in
            function.baseAddress!.initialize(to: { job, original in ReplyHandoff.enqueue(job, original: original) })
            return function.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { pointer in
                isInstalled = true
                hook.pointee = pointer.pointee
                return true
            }
        }
    }
}

import Foundation
import NATSWire
import NIOCore
import NIOPosix
import Synchronization

/// `EventLoopExecutor.Mode.replies`: a hook on Swift's global executor that keeps a task resumed
/// by a NATS reply on the event loop that read the reply, one task per loop turn.
///
/// `resolveReply` resumes the waiting continuation inside ``resume(_:returning:on:)``, which
/// marks the thread as resuming; the runtime enqueues the resumed task synchronously, and the hook
/// holds that job for the loop instead of waking a pool thread. While the held task runs, the
/// hops it makes itself (to the generic executor, as it leaves the request function) are held
/// too, up to `maxHops`; everything else it enqueues (tasks it starts or wakes, its actor's
/// mailbox, a yield) goes to Swift's pool. A second job while resuming means replies came
/// together: both go to the pool.
enum ReplyHandoff {
    /// Set once by `install`; read by every reply.
    private static let isInstalled = Atomic(false)

    private static let turns = ThreadSpecificVariable<Turn>()

    /// Hops of one handed-off task held on the loop before the rest go to the pool: enough to leave
    /// the request function and reach the caller's next request; a task that keeps hopping (or
    /// yielding) without waiting lets the loop's I/O through.
    static let maxHops = 8

    /// One event-loop thread's hand-off state: only that thread touches it (unchecked for the
    /// closure it gives its own loop).
    final class Turn: @unchecked Sendable {
        enum Phase {
            case idle
            case resuming
            /// Running the handed-off task whose job is `task`.
            case running(task: UInt)
        }

        let loop: any EventLoop
        let executor: EventLoopTaskExecutor
        var phase = Phase.idle
        var held: UnownedJob?
        /// Two jobs came while resuming: the rest of the turn's go to the pool.
        var isBurst = false
        var hops = 0

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
            let outer = phase
            phase = .running(task: ReplyHandoff.identity(of: job))
            job.runSynchronously(on: executor.asUnownedTaskExecutor())
            phase = outer
        }
    }

    /// A job's address: for a task's own job, the task.
    static func identity(of job: UnownedJob) -> UInt { unsafeBitCast(job, to: UInt.self) }

    /// Resumes a request with its reply (on `loop`, the connection's event loop).
    static func resume(
        _ continuation: UnsafeContinuation<InboundMessage, any Error>, returning message: InboundMessage, on loop: any EventLoop
    ) {
        guard isInstalled.load(ordering: .relaxed), let turn = turn(for: loop) else { return continuation.resume(returning: message) }
        let outer = turn.phase
        turn.phase = .resuming
        continuation.resume(returning: message)
        turn.phase = outer
    }

    /// This thread's turn, when this thread is `loop`'s own (NIOPosix loops keep one thread each;
    /// other event loops resume plainly).
    private static func turn(for loop: any EventLoop) -> Turn? {
        guard let current = MultiThreadedEventLoopGroup.currentEventLoop, current === loop else { return nil }
        if let turn = turns.currentValue { return turn.loop === loop ? turn : nil }
        let turn = Turn(loop: loop)
        turns.currentValue = turn
        return turn
    }

    /// Every job bound for Swift's global executor, on whichever thread enqueues it.
    private static func enqueue(_ job: UnownedJob, original: @convention(thin) (UnownedJob) -> Void) {
        guard let turn = turns.currentValue else { return original(job) }
        switch turn.phase {
        case .idle:
            original(job)
        case .resuming:
            if turn.isBurst { return original(job) }
            guard let earlier = turn.held else {
                turn.hops = 0
                return turn.hold(job)
            }
            turn.held = nil
            turn.isBurst = true
            original(earlier)
            original(job)
        case .running(let task):
            guard identity(of: job) == task, turn.held == nil, turn.hops < maxHops else { return original(job) }
            turn.hops += 1
            turn.hold(job)
        }
    }

    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Sets the runtime's `swift_task_enqueueGlobal_hook` (as NIO's executor takeover does); true
    /// when it is set (now or before), false when it is not there or another hook holds it. Called
    /// by `EventLoopExecutor.install`, under its lock.
    static func install() -> Bool {
        #if compiler(<6.6)  // the hook's type is the runtime's up to here (as NIO checks)
        if isInstalled.load(ordering: .acquiring) { return true }
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let hook = symbol.assumingMemoryBound(to: UnsafeRawPointer?.self)
        guard hook.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { function in
            function.baseAddress!.initialize(to: { job, original in ReplyHandoff.enqueue(job, original: original) })
            return function.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { pointer in
                isInstalled.store(true, ordering: .releasing)
                hook.pointee = pointer.pointee
                return true
            }
        }
        #else
        return false
        #endif
    }
}

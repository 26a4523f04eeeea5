import NIOCore

/// A task executor (SE-0417) that runs jobs on one event loop: a task that prefers it
/// (`withTaskExecutorPreference(connection.taskExecutor) { … }`) is resumed on the loop that read
/// its reply, without waking a thread of Swift's pool. For callers bound by round-trip latency, one
/// request at a time; the work of such a task shares the connection's thread with its I/O, so it
/// must not block, and many concurrent tasks do better on the pool.
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension NATSConnection {
    /// The connection's event loop as a task executor; see ``EventLoopTaskExecutor``.
    public var taskExecutor: EventLoopTaskExecutor { EventLoopTaskExecutor(eventLoop) }
}

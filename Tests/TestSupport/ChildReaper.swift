import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The children still running, kept where a signal handler may read them, so that a test process
/// ended by Ctrl-C (SwiftPM passes it on as SIGINT), by `timeout`'s SIGTERM or by a hang-up takes
/// its servers along instead of leaving them on their ports. They need it: each runs in a process
/// group of its own, which the terminal's signal does not reach. A process that exits with
/// children left (one a `static` held) kills them too.
///
/// A test process that is SIGKILLed or crashes still leaves them (nothing runs then).
enum ChildReaper {
    static let capacity = 4096

    /// One PID per slot, 0 when free. Allocated once and never freed: the handlers read it. Only
    /// atomics are reached through it (hence unsafe: the pointer itself is never written).
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<Atomic<Int32>> = {
        let slots = UnsafeMutablePointer<Atomic<Int32>>.allocate(capacity: capacity)
        for index in 0..<capacity { (slots + index).initialize(to: Atomic(0)) }
        return slots
    }()

    /// The first child's registration installs the handlers, before any slot is taken.
    private static let installed: Bool = {
        _ = slots
        for signal in signals { takeOver(signal) }
        atexit { ChildReaper.killAll() }
        return true
    }()

    /// Records a child just started; the slot to give back, nil when all are taken (the child
    /// then just is not taken along).
    static func register(_ pid: pid_t) -> Int? {
        _ = installed
        for index in 0..<capacity where slots[index].compareExchange(expected: 0, desired: pid, ordering: .relaxed).exchanged {
            return index
        }
        return nil
    }

    /// Forgets a child that has ended, before it is reaped (its PID cannot be reused until then).
    static func unregister(_ pid: pid_t, at slot: Int) {
        _ = slots[slot].compareExchange(expected: pid, desired: 0, ordering: .relaxed)
    }

    /// SIGKILL to every child recorded (async-signal-safe: loads and `kill` only, and a plain loop
    /// over the pointer, not a generic `Range` iteration, which unoptimized builds would call into
    /// the runtime for). SIGKILL, not SIGTERM: a server a test froze with SIGSTOP would not act on
    /// anything else.
    static func killAll() {
        var index = 0
        while index < capacity {
            let pid = (slots + index).pointee.load(ordering: .relaxed)
            if pid > 0 { kill(pid, SIGKILL) }
            index &+= 1
        }
    }

    /// The signals that take the children along, blocked while `body` runs (the start of a child
    /// and its registration: a signal between the two would leave that child behind).
    static func deferringSignals<T>(_ body: () throws -> T) rethrows -> T {
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        for signal in signals { sigaddset(&blocked, signal) }
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Handles `signal` if nothing else does (its action is the default one): the children are
    /// killed, then the signal ends this process as it would have.
    private static func takeOver(_ signal: Int32) {
        var current = sigaction()
        guard sigaction(signal, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            ChildReaper.killAll()
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
        }
        sigemptyset(&action.sa_mask)
        sigaction(signal, &action, nil)
    }
}

/// When pending requests time out: a min-heap of deadlines, read by one event-loop timer set for
/// the earliest, instead of a timer per request (an allocation, an insertion into the loop's
/// scheduled tasks, and a search to cancel it once the reply came).
///
/// Answered requests are not taken out (that would mean a search): they are skipped when they
/// come due, and dropped in one pass (`compact`) when they outnumber the pending ones, so the heap
/// stays within a small multiple of the requests in flight. Pure: `NATSConnection` keeps one
/// beside its `RequestMux`, under the same lock. Deadlines are uptime nanoseconds (`NIODeadline`).
struct RequestDeadlines: Sendable {
    private var heap: [(deadline: UInt64, id: UInt64)] = []

    var count: Int { heap.count }

    /// The earliest deadline, answered or not.
    var earliest: UInt64? { heap.first?.deadline }

    mutating func add(_ id: UInt64, at deadline: UInt64) {
        heap.append((deadline, id))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the ids due at `now` (answered ones too: the caller skips those), then
    /// the answered ones at the front, so that `earliest` is a pending request's.
    mutating func removeDue(at now: UInt64, isPending: (UInt64) -> Bool) -> [UInt64] {
        var due: [UInt64] = []
        while let first = heap.first, first.deadline <= now || !isPending(first.id) {
            if first.deadline <= now { due.append(first.id) }
            removeFirst()
        }
        return due
    }

    /// Drops the entries of requests no longer pending (when there are many: amortised O(1) each).
    mutating func compactIfNeeded(pending: Int, isPending: (UInt64) -> Bool) {
        guard heap.count > 2 * pending + 256 else { return }
        heap.removeAll { !isPending($0.id) }
        heap.sort { $0.deadline < $1.deadline }  // a sorted array is a heap
    }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let child = right < heap.count && heap[right].deadline < heap[left].deadline ? right : left
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            parent = child
        }
    }
}

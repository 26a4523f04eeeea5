import TestSupport
import Testing

@testable import NATSClient

@Suite struct RequestDeadlinesTests {
    @Test func dueRequestsComeOutInDeadlineOrderAndAnsweredOnesAreSkipped() {
        var deadlines = RequestDeadlines()
        var pending: Set<UInt64> = [1, 2, 3, 4, 5]
        // registered out of deadline order (a shorter timeout after a longer one)
        for (id, at) in [(1, 500), (2, 100), (3, 300), (4, 200), (5, 900)] as [(UInt64, UInt64)] { deadlines.add(id, at: at) }
        #expect(deadlines.earliest == 100)
        #expect(deadlines.removeDue(at: 50) { pending.contains($0) } == [], "nothing is due yet")
        pending.remove(2)  // answered: its entry stays until it comes due
        #expect(deadlines.removeDue(at: 350) { pending.contains($0) } == [2, 4, 3])
        #expect(deadlines.earliest == 500, "the next timer is for a pending request")
        pending.remove(1)
        #expect(deadlines.removeDue(at: 400) { pending.contains($0) } == [], "answered entries at the front go without being due")
        #expect(deadlines.earliest == 900 && deadlines.count == 1)
        #expect(deadlines.removeDue(at: 1000) { pending.contains($0) } == [5])
        #expect(deadlines.earliest == nil)
    }

    @Test func answeredEntriesAreDroppedWhenTheyOutnumberThePendingOnes() {
        var deadlines = RequestDeadlines()
        var random = SeededGenerator(seed: 7)
        for id in UInt64(1)...10_000 {
            deadlines.compactIfNeeded(pending: 3) { $0 > id - 3 }
            deadlines.add(id, at: UInt64.random(in: 1_000...2_000, using: &random))
            #expect(deadlines.count <= 2 * 3 + 256 + 1)
        }
        // the heap still gives the pending ones in deadline order
        let pending: Set<UInt64> = [9_998, 9_999, 10_000]
        let due = deadlines.removeDue(at: .max) { pending.contains($0) }
        #expect(Set(due).isSuperset(of: pending))
    }
}

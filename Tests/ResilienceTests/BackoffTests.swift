import Resilience
import TestSupport
import Testing

@Suite struct BackoffTests {
    @Test func ceilingsGrowExponentiallyUpToTheCap() {
        let backoff = Backoff(base: .milliseconds(100), multiplier: 2, cap: .seconds(1))
        #expect((0...6).map { backoff.ceiling(forAttempt: $0) } == [
            .zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
        ])
        #expect(backoff.ceiling(forAttempt: 10_000) == .seconds(1))
        let delayed = Backoff(base: .milliseconds(50), multiplier: 3, cap: .seconds(10), immediateFirstAttempt: false)
        #expect(delayed.ceiling(forAttempt: 0) == .milliseconds(50))
        #expect(delayed.ceiling(forAttempt: 2) == .milliseconds(450))
    }

    @Test func delaysAreFullJitterWithinTheCeiling() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(2))
        var random = SeededGenerator(seed: 1)
        var sum = Duration.zero
        for attempt in 1...2000 {
            let step = attempt % 8
            let delay = backoff.delay(forAttempt: step, using: &random)
            #expect(delay >= .zero && delay <= backoff.ceiling(forAttempt: step))
            if step == 7 { sum += delay }
        }
        // 250 delays uniformly in 0...2 s average about 1 s: jitter spreads them, it does not pin them.
        let mean = sum / 250
        #expect(mean > .milliseconds(850) && mean < .milliseconds(1150), "mean \(mean)")
        #expect(backoff.delay(forAttempt: 0, using: &random) == .zero)
    }

    @Test func sameSeedSameDelays() {
        let backoff = Backoff()
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        #expect((1...20).map { backoff.delay(forAttempt: $0, using: &a) } == (1...20).map { backoff.delay(forAttempt: $0, using: &b) })
    }
}

import Resilience
import Testing

@Suite struct DurationNanosecondsTests {
    @Test func durationsConvertExactlyWithinRange() {
        #expect(Duration.zero.nanosecondsSaturated == 0)
        #expect(Duration.seconds(1).nanosecondsSaturated == 1_000_000_000)
        #expect(Duration.milliseconds(-5).nanosecondsSaturated == -5_000_000)
        #expect((Duration.seconds(2) + .nanoseconds(7)).nanosecondsSaturated == 2_000_000_007)
        #expect(Duration.nanoseconds(Int64.max).nanosecondsSaturated == Int64.max)
        #expect(Duration.nanoseconds(Int64.min).nanosecondsSaturated == Int64.min)
    }

    @Test func durationsBeyondInt64NanosecondsSaturate() {
        #expect(Duration.seconds(Int64.max).nanosecondsSaturated == Int64.max)
        #expect(Duration.seconds(Int64.min).nanosecondsSaturated == Int64.min)
        #expect(Duration.seconds(10_000_000_000).nanosecondsSaturated == Int64.max)
        // The seconds fit and the fraction pushes past the bound.
        #expect((Duration.seconds(9_223_372_036) + .nanoseconds(999_999_999)).nanosecondsSaturated == Int64.max)
        #expect((Duration.seconds(-9_223_372_036) - .nanoseconds(999_999_999)).nanosecondsSaturated == Int64.min)
    }
}

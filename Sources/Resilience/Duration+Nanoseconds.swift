extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64`'s bounds (about 292 years) instead
    /// of trapping: a timeout read from configuration or computed from a deadline may be huge or
    /// negative, and a timer set from it must not crash the process.
    public var nanosecondsSaturated: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if sumOverflow { return scaled < 0 ? .min : .max }
        return total
    }
}

import Metrics
import Prometheus
import Synchronization

/// The gateway's request metrics (swift-metrics, kept in a Prometheus registry that `/metrics`
/// exposes): `http_requests_total{method,route,status}` and `http_request_duration_seconds{method,route}`.
/// Each series' counter and timer are made once and kept, so that a request costs one lookup.
final class HTTPMetrics: Sendable {
    private struct Series: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private let factory: PrometheusMetricsFactory
    private let series = Mutex<[Series: (counter: Metrics.Counter, timer: Metrics.Timer)]>([:])

    init(registry: PrometheusCollectorRegistry) { factory = PrometheusMetricsFactory(registry: registry) }

    /// The methods that name their own series; any other is `_OTHER` (as OpenTelemetry's HTTP
    /// conventions do), so that clients cannot make series without end.
    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"]

    /// `route` is the route's template (`/events/{eventId}`), never the raw path, so that ids do
    /// not make one series each.
    func record(method: String, route: String, status: Int, duration: Duration) {
        let method = Self.knownMethods.contains(method) ? method : "_OTHER"
        let key = Series(method: method, route: route, status: status)
        let metrics = series.withLock { series in
            if let known = series[key] { return known }
            let made = (
                counter: Metrics.Counter(label: "http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory),
                timer: Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
            )
            series[key] = made
            return made
        }
        metrics.counter.increment()
        metrics.timer.record(duration: duration)
    }
}

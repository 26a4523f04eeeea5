import Metrics
import Prometheus

/// The gateway's request metrics (swift-metrics, kept in a Prometheus registry that `/metrics`
/// exposes): `http_requests_total{method,route,status}` and `http_request_duration_seconds{method,route}`.
struct HTTPMetrics: Sendable {
    let factory: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry) { factory = PrometheusMetricsFactory(registry: registry) }

    /// `route` is the route's template (`/events/{eventId}`), never the raw path, so that ids do
    /// not make one series each.
    func record(method: String, route: String, status: Int, duration: Duration) {
        Counter(label: "http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory)
            .increment()
        Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
            .record(duration: duration)
    }
}

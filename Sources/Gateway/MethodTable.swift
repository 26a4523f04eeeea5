/// Which methods each route path answers, so that a known path asked with another method gets
/// 405 with `Allow` rather than 404 (RFC 9110 §15.5.6).
struct MethodTable: Sendable {
    private var routes: [(segments: [Substring], method: String)] = []

    mutating func add(_ template: String, _ method: String) {
        routes.append((template.split(separator: "/"), method))
    }

    /// The methods of every route whose template matches `path` (`{name}` matches any segment).
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        var methods: [String] = []
        for route in routes where route.segments.count == segments.count && !methods.contains(route.method) {
            let matches = zip(route.segments, segments).allSatisfy { template, actual in
                (template.first == "{" && template.last == "}") || template == actual
            }
            if matches { methods.append(route.method) }
        }
        return methods.sorted()
    }
}

import Mustache
import SchemaIR

/// The handler protocol of a namespace's service, the function that registers an implementation
/// with a service host, and the one that registers its HTTP routes with a gateway.
struct ServiceView {
    let header: String
    let access: String
    let runtime = RuntimeSymbols.module
    let namespace: String
    let schemaName: String
    let handlers: [HandlerView]
    /// Subjects with `http:`, by Swift name.
    let routes: [String]
    var hasRoutes: Bool { !routes.isEmpty }
    /// The namespace's event subjects with a `stream:`, by Swift name: the service publishes them.
    let streamEvents: [String]
    var hasStreamEvents: Bool { !streamEvents.isEmpty }
}

struct HandlerView {
    let swiftName: String
    /// `auth.register`: the subject's name in the schema.
    let name: String
    let doc: String
    let requestType: String
    let replyType: String
}

extension NamespaceViews {
    /// Nil when the namespace serves no request subject.
    func serviceView() -> ServiceView? {
        let requests = namespace.subjects.compactMap { subject -> (Subject, RequestSubject)? in
            guard case .request(let request) = subject.kind else { return nil }
            return (subject, request)
        }
        guard !requests.isEmpty else { return nil }
        return ServiceView(
            header: header, access: access, namespace: swiftNamespace, schemaName: namespace.name,
            handlers: requests.map { subject, request in
                HandlerView(
                    swiftName: SwiftNames.identifier(subject.name), name: "\(namespace.name).\(subject.name)", doc: handlerDoc(subject, request),
                    requestType: SwiftTypes.qualified(request.request), replyType: SwiftTypes.qualified(request.reply))
            },
            routes: requests.filter { $0.1.http != nil }.map { SwiftNames.identifier($0.0.name) },
            streamEvents: namespace.subjects.compactMap { subject in
                guard case .event(let event) = subject.kind, event.stream != nil else { return nil }
                return SwiftNames.identifier(subject.name)
            }
        )
    }

    /// `/// Answers `auth.register` (POST /auth/register → 201): the description, and what it throws.
    private func handlerDoc(_ subject: Subject, _ request: RequestSubject) -> String {
        var summary = "Answers `\(subject.subject.description)`"
        if let http = request.http { summary += " (`\(http.method) \(http.path.description)` → \(http.status))" }
        var lines = [summary + "."]
        if let description = subject.description {
            lines.append("")
            lines += description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        if let lock = request.lock { lines += ["", "Runs under the lock `\(lock.description)`: `context.fencingToken` is its fencing token."] }
        lines.append("")
        if !request.errors.isEmpty {
            lines.append("- Throws: " + request.errors.map { "`\(SwiftNames.namespace($0.namespace)).ErrorCode.\(SwiftNames.lowerCamel($0.name))`" }.joined(separator: ", "))
        }
        lines.append("- Remark: Generated from `\(pointer("subjects/\(subject.name)"))`.")
        return lines.map { $0.isEmpty ? "        ///" : "        /// \($0)" }.joined(separator: "\n")
    }
}

extension ServiceView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "header": self.header
        case "access": self.access
        case "runtime": self.runtime
        case "namespace": self.namespace
        case "schemaName": self.schemaName
        case "handlers": self.handlers
        case "routes": self.routes
        case "hasRoutes": self.hasRoutes
        case "streamEvents": self.streamEvents
        case "hasStreamEvents": self.hasStreamEvents
        default: nil
        }
    }
}

extension HandlerView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "swiftName": self.swiftName
        case "name": self.name
        case "doc": self.doc
        case "requestType": self.requestType
        case "replyType": self.replyType
        default: nil
        }
    }
}

/// A handler stub for `switchboard scaffold`: a type conforming to the namespace's `Handler`,
/// each method throwing `NotImplemented`. Written once into the user's sources, never regenerated.
struct ScaffoldView {
    let namespace: String
    let schemaName: String
    let typeName: String
    let handlers: [HandlerView]
}

extension ScaffoldView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "namespace": self.namespace
        case "schemaName": self.schemaName
        case "typeName": self.typeName
        case "handlers": self.handlers
        default: nil
        }
    }
}

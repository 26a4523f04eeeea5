public import Mustache
public import SchemaIR

/// Writes the starting point of a service: a type that conforms to a namespace's generated
/// `Handler` protocol, every method throwing `NotImplemented` until it is written. Pure, like
/// the generator; the CLI writes the file once and never overwrites it.
public struct Scaffolder: Sendable {
    public static let templateName = "scaffold.swift"
    public let templates: MustacheLibrary

    public init(templates: MustacheLibrary) { self.templates = templates }

    public struct Stub: Sendable, Hashable {
        /// `AuthService`.
        public let typeName: String
        /// `Auth.Handler`.
        public let protocolName: String
        public let contents: String
    }

    /// The stub for `namespace`, as type `typeName` (default `AuthService` for `auth`); nil when
    /// the namespace answers no request subject (it has no `Handler`).
    public func scaffold(_ namespace: Namespace, in schema: Schema, typeName: String? = nil) -> Stub? {
        guard let service = NamespaceViews(namespace: namespace, schema: schema, access: .internal).serviceView() else { return nil }
        let name = typeName ?? "\(service.namespace)Service"
        let view = ScaffoldView(namespace: service.namespace, schemaName: namespace.name, typeName: name, handlers: service.handlers)
        let text = templates.render(view, withTemplate: Self.templateName) ?? ""
        return Stub(typeName: name, protocolName: "\(service.namespace).Handler", contents: CodeGenerator.tidy(text))
    }
}

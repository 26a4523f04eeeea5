public import MessagingRuntime
public import SchemaIR

/// Exports the gateway's HTTP API as OpenAPI 3.1: one operation per subject with `http:`, its
/// path and query parameters, body and reply schemas (the same JSON Schema as `export
/// jsonschema`), every error response the gateway can give, and bearer-token security.
public struct OpenAPIExporter: Sendable {
    public let schema: Schema
    public let title: String
    public let version: String
    private let schemas: JSONSchemaExporter

    public init(schema: Schema, title: String = "Switchboard gateway", version: String = "1.0.0") {
        self.schema = schema
        self.title = title
        self.version = version
        self.schemas = JSONSchemaExporter(schema: schema, referencePrefix: "#/components/schemas/")
    }

    public func document() -> JSONValue {
        var paths: [(path: String, members: [JSONObject.Member])] = []
        for namespace in schema.namespaces {
            for subject in namespace.subjects {
                guard case .request(let request) = subject.kind, let http = request.http else { continue }
                let path = http.path.description
                let operation = JSONObject.Member(key: http.method.lowercased(), value: operationObject(namespace, subject, request, http))
                if let index = paths.firstIndex(where: { $0.path == path }) {
                    paths[index].members.append(operation)
                } else {
                    paths.append((path, [operation]))
                }
            }
        }
        paths.append(("/healthz", [.init(key: "get", value: probe("healthz", "The process is up.", unavailable: false))]))
        paths.append(("/readyz", [.init(key: "get", value: probe("readyz", "The gateway is connected to NATS.", unavailable: true))]))
        return .object(JSONObject([
            .init(key: "openapi", value: "3.1.0"),
            .init(key: "info", value: .object(JSONObject([.init(key: "title", value: .string(title)), .init(key: "version", value: .string(version))]))),
            .init(key: "paths", value: .object(JSONObject(paths.map { .init(key: $0.path, value: .object(JSONObject($0.members))) }))),
            .init(key: "components", value: .object(JSONObject([
                .init(key: "schemas", value: .object(JSONObject(schemas.definitions() + [.init(key: Self.errorSchemaName, value: Self.errorSchema)]))),
                .init(key: "securitySchemes", value: .object(JSONObject([
                    .init(key: "bearerAuth", value: ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]),
                ]))),
            ]))),
        ]))
    }

    static let errorSchemaName = "switchboard.Error"

    /// `{"error": {"code", "status", "message", "issues"?, "correlationId"}}`.
    static let errorSchema: JSONValue = [
        "type": "object", "required": ["error"],
        "properties": [
            "error": [
                "type": "object", "required": ["code", "status", "message"],
                "properties": [
                    "code": ["type": "string"], "status": ["type": "integer"], "message": ["type": "string"],
                    "issues": ["type": "array", "items": ["type": "object"]], "correlationId": ["type": "string"],
                ],
            ],
        ],
    ]

    private func operationObject(_ namespace: Namespace, _ subject: Subject, _ request: SchemaIR.RequestSubject, _ http: HTTPRoute) -> JSONValue {
        let message = schema.message(request.request)
        let fields = message?.fields ?? []
        let takesBody = ["POST", "PUT", "PATCH"].contains(http.method)
        var members: [JSONObject.Member] = [
            .init(key: "operationId", value: .string("\(namespace.name).\(subject.name)")),
            .init(key: "tags", value: [.string(namespace.name)]),
            .init(key: "summary", value: .string("\(subject.subject.description) (\(request.request) → \(request.reply))")),
        ]
        if let description = subject.description { members.append(.init(key: "description", value: .string(description))) }

        var parameters: [JSONValue] = []
        for name in http.path.fields {
            let schema = fields.first { $0.name == name }.map(schemas.fieldSchema) ?? ["type": "string"]
            parameters.append(["name": .string(name), "in": "path", "required": true, "schema": schema])
        }
        if !takesBody {
            for field in fields where !http.path.fields.contains(field.name) && Self.isScalar(field.type) {
                parameters.append(["name": .string(field.name), "in": "query", "required": .bool(!field.optional && field.defaultValue == nil), "schema": schemas.fieldSchema(field)])
            }
        }
        if !parameters.isEmpty { members.append(.init(key: "parameters", value: .array(parameters))) }

        if takesBody, let message {
            // Path parameters come from the path: the body need not (but may) repeat them.
            let body: JSONValue
            if http.path.fields.isEmpty {
                body = ["$ref": .string(schemas.reference(message.name))]
            } else {
                let bodyFields = fields.map { field -> Field in
                    var field = field
                    if http.path.fields.contains(field.name) { field.optional = true }
                    return field
                }
                guard case .record(_, let unknown) = message.shape else { return .object(JSONObject(members)) }
                body = .object(JSONObject(schemas.recordMembers(fields: bodyFields, unknownFields: unknown, discriminator: nil)))
            }
            // A body whose every field may be absent may be left out: the gateway reads no body as {}.
            let needsBody = fields.contains { !http.path.fields.contains($0.name) && !$0.optional && $0.defaultValue == nil }
            members.append(.init(key: "requestBody", value: ["required": .bool(needsBody), "content": ["application/json": ["schema": body]]]))
        }

        var responses: [JSONObject.Member] = [
            .init(key: String(http.status), value: [
                "description": .string("The reply: \(request.reply)."),
                "content": ["application/json": ["schema": ["$ref": .string(schemas.reference(request.reply))]]],
            ]),
        ]
        var errors: [Int: [String]] = [400: ["validation_failed: the request breaks its schema (every issue listed)"]]
        if http.auth != .public { errors[401, default: []].append("unauthorized: no valid bearer token") }
        if case .roles(let roles) = http.auth { errors[403, default: []].append("forbidden: needs the role \(roles.joined(separator: " or "))") }
        if takesBody {
            errors[413] = ["payload_too_large: the body is over the gateway's limit"]
            errors[415] = ["unsupported_media_type: the body is not application/json"]
        }
        for name in request.errors {
            guard let code = schema.namespace(name.namespace)?.errors.first(where: { $0.name == name.name }) else { continue }
            errors[code.status, default: []].append("\(code.name): \(code.message)")
        }
        errors[500, default: []].append("internal_error")
        errors[501, default: []].append("not_implemented: the service's handler is a stub")
        errors[503, default: []].append("unavailable: no service instance, or a dependency's breaker is open (see Retry-After)")
        errors[504, default: []].append("timeout: the service did not answer within \(request.timeoutMilliseconds) ms")
        for (status, reasons) in errors.sorted(by: { $0.key < $1.key }) {
            responses.append(.init(key: String(status), value: Self.errorResponse(reasons.joined(separator: "; "), retryAfter: status == 503)))
        }
        members.append(.init(key: "responses", value: .object(JSONObject(responses))))
        members.append(.init(key: "security", value: http.auth == .public ? [] : [["bearerAuth": []]]))
        return .object(JSONObject(members))
    }

    private func probe(_ name: String, _ description: String, unavailable: Bool) -> JSONValue {
        var responses: [JSONObject.Member] = [
            .init(key: "200", value: [
                "description": .string(description),
                "content": ["application/json": ["schema": ["type": "object", "properties": ["status": ["type": "string"]]]]],
            ]),
        ]
        if unavailable { responses.append(.init(key: "503", value: Self.errorResponse("unavailable: not connected to NATS", retryAfter: true))) }
        return .object(JSONObject([
            .init(key: "operationId", value: .string("gateway.\(name)")), .init(key: "tags", value: ["gateway"]),
            .init(key: "responses", value: .object(JSONObject(responses))), .init(key: "security", value: []),
        ]))
    }

    private static func errorResponse(_ description: String, retryAfter: Bool) -> JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "description", value: .string(description)),
            .init(key: "content", value: ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(errorSchemaName)")]]]),
        ]
        if retryAfter {
            members.append(.init(key: "headers", value: ["Retry-After": ["description": "Seconds to wait.", "schema": ["type": "integer"]]]))
        }
        return .object(JSONObject(members))
    }

    static func isScalar(_ type: FieldType) -> Bool {
        switch type {
        case .string, .int, .double, .bool, .uuid, .datetime, .date, .enumeration: true
        case .json, .message, .array, .map: false
        }
    }
}

public import MessagingRuntime
public import SchemaIR

/// Exports the NATS side as AsyncAPI 3.0: a channel per subject (its `{field}` tokens as channel
/// parameters), a `receive` operation with its reply for each request subject and a `send`
/// operation for each event, and one message per message type whose payload is the envelope
/// (`messageId`, `correlationId`, … and the typed `payload`), with the correlation id located in it.
public struct AsyncAPIExporter: Sendable {
    public let schema: Schema
    public let title: String
    public let version: String
    private let schemas: JSONSchemaExporter

    public init(schema: Schema, title: String = "Switchboard services", version: String = "1.0.0") {
        self.schema = schema
        self.title = title
        self.version = version
        self.schemas = JSONSchemaExporter(schema: schema, referencePrefix: "#/components/schemas/")
    }

    public func document() -> JSONValue {
        var channels: [JSONObject.Member] = []
        var operations: [JSONObject.Member] = []
        var used: [QualifiedName] = []
        for namespace in schema.namespaces {
            for subject in namespace.subjects {
                let id = Self.identifier("\(namespace.name)_\(subject.name)")
                switch subject.kind {
                case .request(let request):
                    used += [request.request, request.reply]
                    channels.append(.init(key: id, value: channel(subject, messages: [("request", request.request)])))
                    channels.append(.init(key: "\(id)_reply", value: [
                        "address": nil, "description": .string("The reply to \(subject.subject.description), on the requester's inbox."),
                        "messages": .object(JSONObject([
                            .init(key: "reply", value: ["$ref": .string(messageReference(request.reply))]),
                            .init(key: "error", value: ["$ref": "#/components/messages/switchboard_Error"]),
                        ])),
                    ]))
                    operations.append(.init(key: id, value: [
                        "action": "receive", "title": .string("Answer \(subject.subject.description)"),
                        "channel": ["$ref": .string("#/channels/\(id)")],
                        "messages": [["$ref": .string("#/channels/\(id)/messages/request")]],
                        "reply": [
                            "address": ["location": "$message.header#/replyTo", "description": "The requester's inbox."],
                            "channel": ["$ref": .string("#/channels/\(id)_reply")],
                            "messages": [["$ref": .string("#/channels/\(id)_reply/messages/reply")], ["$ref": .string("#/channels/\(id)_reply/messages/error")]],
                        ],
                    ]))
                case .event(let event):
                    used.append(event.message)
                    channels.append(.init(key: id, value: channel(subject, messages: [("event", event.message)])))
                    operations.append(.init(key: id, value: [
                        "action": "send", "title": .string("Publish \(subject.subject.description)"),
                        "channel": ["$ref": .string("#/channels/\(id)")],
                        "messages": [["$ref": .string("#/channels/\(id)/messages/event")]],
                    ]))
                }
            }
        }
        var messages: [JSONObject.Member] = []
        for name in used where !messages.contains(where: { $0.key == Self.identifier(name.description) }) {
            messages.append(.init(key: Self.identifier(name.description), value: message(name)))
        }
        messages.append(.init(key: "switchboard_Error", value: [
            "name": "switchboard.Error", "title": "An error reply", "contentType": "application/json",
            "headers": ["type": "object", "properties": ["Nats-Service-Error": ["type": "string"], "Nats-Service-Error-Code": ["type": "string"]]],
            "payload": ["$ref": .string("#/components/schemas/\(OpenAPIExporter.errorSchemaName)")],
        ]))
        return .object(JSONObject([
            .init(key: "asyncapi", value: "3.0.0"),
            .init(key: "info", value: .object(JSONObject([.init(key: "title", value: .string(title)), .init(key: "version", value: .string(version))]))),
            .init(key: "defaultContentType", value: "application/json"),
            .init(key: "channels", value: .object(JSONObject(channels))),
            .init(key: "operations", value: .object(JSONObject(operations))),
            .init(key: "components", value: .object(JSONObject([
                .init(key: "schemas", value: .object(JSONObject(
                    schemas.definitions() + [.init(key: OpenAPIExporter.errorSchemaName, value: OpenAPIExporter.errorSchema)]))),
                .init(key: "messages", value: .object(JSONObject(messages))),
            ]))),
        ]))
    }

    private func channel(_ subject: Subject, messages: [(String, QualifiedName)]) -> JSONValue {
        var members: [JSONObject.Member] = [.init(key: "address", value: .string(subject.subject.description))]
        if let description = subject.description { members.append(.init(key: "description", value: .string(description))) }
        members.append(.init(key: "messages", value: .object(JSONObject(messages.map { key, name in
            .init(key: key, value: ["$ref": .string(messageReference(name))])
        }))))
        if !subject.subject.fields.isEmpty {
            members.append(.init(key: "parameters", value: .object(JSONObject(subject.subject.fields.map { field in
                .init(key: field, value: ["description": .string("The request's `\(field)`, as one subject token.")])
            }))))
        }
        return .object(JSONObject(members))
    }

    /// A message: the envelope around the typed payload.
    private func message(_ name: QualifiedName) -> JSONValue {
        [
            "name": .string(name.description), "title": .string(name.description), "contentType": "application/json",
            "correlationId": ["location": "$message.payload#/correlationId"],
            "payload": [
                "type": "object", "required": ["messageId", "correlationId", "timestamp", "type", "schemaVersion", "payload"],
                "properties": [
                    "messageId": ["type": "string", "minLength": 1], "correlationId": ["type": "string", "minLength": 1],
                    "causationId": ["type": "string", "minLength": 1], "timestamp": ["type": "string", "format": "date-time"],
                    "type": ["const": .string(name.description)], "schemaVersion": ["type": "integer", "minimum": 1],
                    "caller": ["type": "object", "required": ["id"], "properties": ["id": ["type": "string"], "role": ["type": "string"]]],
                    "payload": ["$ref": .string(schemas.reference(name))],
                ],
            ],
        ]
    }

    private func messageReference(_ name: QualifiedName) -> String { "#/components/messages/\(Self.identifier(name.description))" }

    /// Keys of channels, operations and messages: letters, digits, `_` and `-` only.
    static func identifier(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
    }
}

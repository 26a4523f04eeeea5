/// The error codes of a schema namespace (generated as an enum per namespace).
public protocol SchemaErrorCode: Error, RawRepresentable, CaseIterable, Sendable, Hashable
where RawValue == String {
    /// The HTTP status the gateway answers with.
    var status: Int { get }
    /// The schema's default message.
    var defaultMessage: String { get }
}

/// An error a handler answers with: a schema error code, its HTTP status and a message.
public struct ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var status: Int
    public var message: String

    public init(code: String, status: Int, message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    /// The error for `code`, with its default message unless `message` is given.
    public init<Code: SchemaErrorCode>(_ code: Code, message: String? = nil) {
        self.init(code: code.rawValue, status: code.status, message: message ?? code.defaultMessage)
    }

    public var description: String { "\(code) (\(status)): \(message)" }
}

/// The body of an error reply, over NATS and over HTTP alike:
/// `{"error":{"code":"EmailTaken","status":409,"message":"…","issues":[…]}}`. Services send it for
/// schema errors, invalid payloads and their own failures; the gateway answers with `status`.
public struct ErrorReply: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var status: Int
    public var message: String
    /// Zod-style issues (`ValidationIssue.jsonValue`), for `validation_failed`.
    public var issues: [JSONValue]?

    public init(code: String, status: Int, message: String, issues: [JSONValue]? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.issues = issues
    }

    public init(_ error: ServiceError) { self.init(code: error.code, status: error.status, message: error.message) }

    public init<Code: SchemaErrorCode>(_ code: Code, message: String? = nil) { self.init(ServiceError(code, message: message)) }

    /// Every issue of a payload that failed validation: 400.
    public init(_ error: ValidationError) {
        self.init(
            code: Self.validationFailed, status: 400,
            message: error.issues.count == 1 ? "1 issue in the payload" : "\(error.issues.count) issues in the payload",
            issues: error.issues.map(\.jsonValue))
    }

    public static let validationFailed = "validation_failed"
    public static let internalError = "internal_error"
    public static let notImplemented = "not_implemented"
    public static let unavailable = "unavailable"
    public static let timeout = "timeout"

    public var description: String { "\(code) (\(status)): \(message)" }

    /// `{"error": {…}}`, with `extra` members (such as `correlationId`) inside `error`.
    public func jsonValue(extra: [JSONObject.Member] = []) -> JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "code", value: .string(code)), .init(key: "status", value: .int(Int64(status))),
            .init(key: "message", value: .string(message)),
        ]
        if let issues { members.append(.init(key: "issues", value: .array(issues))) }
        return .object(JSONObject([.init(key: "error", value: .object(JSONObject(members + extra)))]))
    }

    /// Reads an error body; nil when `json` is not one.
    public init?(json: JSONValue) {
        guard case .object(let outer) = json, case .object(let error)? = outer["error"],
            case .string(let code)? = error["code"], case .string(let message)? = error["message"],
            case .int(let status)? = error["status"], (100...599).contains(status)
        else { return nil }
        var issues: [JSONValue]?
        if case .array(let list)? = error["issues"] { issues = list }
        self.init(code: code, status: Int(status), message: message, issues: issues)
    }
}

/// What a scaffolded stub throws until the method is written: the service answers 501.
public struct NotImplemented: Error, Sendable, CustomStringConvertible {
    public let method: String
    public init(_ method: String = #function) { self.method = method }
    public var description: String { "\(method) is not implemented yet" }
}

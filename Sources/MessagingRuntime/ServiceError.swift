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

/// An operation the server refused for lack of permission (`-ERR 'Permissions Violation for …'`):
/// an error of that one operation, not of the connection.
public struct PermissionViolation: Sendable, Hashable, CustomStringConvertible {
    public enum Operation: String, Sendable, Hashable {
        case publish, subscribe
    }

    public var operation: Operation
    public var subject: String
    /// The queue group of a refused subscription.
    public var queue: String?

    public init(_ operation: Operation, subject: String, queue: String? = nil) {
        self.operation = operation
        self.subject = subject
        self.queue = queue
    }

    /// Reads the server's text: `Permissions Violation for Publish to "x"`,
    /// `… for Subscription to "x"`, `… for Subscription to "x" using queue "q"`; nil for any other.
    public init?(serverMessage message: String) {
        let prefix = "permissions violation for "
        guard message.lowercased().hasPrefix(prefix) else { return nil }
        let rest = message.dropFirst(prefix.count)
        let quoted = rest.split(separator: "\"", omittingEmptySubsequences: false)
        // [`Publish to `, subject, ``] or [`Subscription to `, subject, ` using queue `, queue, ``]
        guard quoted.count == 3 || quoted.count == 5, !quoted[1].isEmpty else { return nil }
        switch quoted[0].lowercased() {
        case "publish to ": operation = .publish
        case "subscription to ": operation = .subscribe
        default: return nil
        }
        subject = String(quoted[1])
        if quoted.count == 5 {
            guard operation == .subscribe, quoted[2] == " using queue ", !quoted[3].isEmpty else { return nil }
            queue = String(quoted[3])
        } else {
            queue = nil
        }
    }

    public var description: String {
        switch operation {
        case .publish: "permission denied to publish to '\(subject)'"
        case .subscribe: "permission denied to subscribe to '\(subject)'" + (queue.map { " in queue group '\($0)'" } ?? "")
        }
    }
}

extension NATSClientError.Code {
    /// The server refused the operation: the user may not publish or subscribe to the subject.
    public static let permissionViolation = Self("permissions violation")
    /// The message is larger than the server's `max_payload`; nothing was sent.
    public static let maxPayloadExceeded = Self("max payload exceeded")
}

extension NATSClientError {
    init(_ violation: PermissionViolation) {
        self.init(.permissionViolation, violation.description)
    }
}

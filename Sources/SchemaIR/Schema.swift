/// The checked, resolved model of every schema file: what the generator, the exporters and the
/// validator read. Arrays only (no dictionaries), in a deterministic order: namespaces sorted by
/// name, declarations in schema order.
public struct Schema: Hashable, Sendable {
    public var namespaces: [Namespace]

    public init(namespaces: [Namespace]) {
        self.namespaces = namespaces
    }

    /// The namespace named `name`.
    public func namespace(_ name: String) -> Namespace? {
        namespaces.first { $0.name == name }
    }

    /// The message named by `name`.
    public func message(_ name: QualifiedName) -> MessageType? {
        namespace(name.namespace)?.messages.first { $0.name == name }
    }

    /// The enum named by `name`.
    public func enumType(_ name: QualifiedName) -> EnumType? {
        namespace(name.namespace)?.enums.first { $0.name == name }
    }

    /// Looks up `auth.RegisterRequest` (or a bare name when it is unique across namespaces).
    public func message(named text: String) -> MessageType? {
        if let name = QualifiedName(parsing: text) { return message(name) }
        let matches = namespaces.flatMap { $0.messages.filter { $0.name.name == text } }
        return matches.count == 1 ? matches[0] : nil
    }
}

/// `namespace.Name`.
public struct QualifiedName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// Parses `auth.UserProfile`; nil without exactly one dot.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(namespace: String(parts[0]), name: String(parts[1]))
    }

    public var description: String { "\(namespace).\(name)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }
}

/// One schema file: a namespace with its enums, messages, errors and subjects.
public struct Namespace: Hashable, Sendable {
    public var name: String
    public var description: String?
    /// The schema file, relative to the working directory (`schemas/auth.yaml`).
    public var file: String
    /// The file relative to the schemas folder (`auth.yaml`), for pointers in generated comments.
    public var relativeFile: String
    /// The schema version carried in every envelope of this namespace's messages.
    public var version: Int
    public var enums: [EnumType]
    public var messages: [MessageType]
    public var errors: [ErrorCode]
    public var subjects: [Subject]

    public init(
        name: String, description: String?, file: String, relativeFile: String, version: Int,
        enums: [EnumType], messages: [MessageType], errors: [ErrorCode], subjects: [Subject]
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.relativeFile = relativeFile
        self.version = version
        self.enums = enums
        self.messages = messages
        self.errors = errors
        self.subjects = subjects
    }
}

/// A named set of string values.
public struct EnumType: Hashable, Sendable {
    public var name: QualifiedName
    public var description: String?
    public var cases: [String]

    public init(name: QualifiedName, description: String?, cases: [String]) {
        self.name = name
        self.description = description
        self.cases = cases
    }
}

/// A schema error code: the status it maps to over HTTP and its default message.
public struct ErrorCode: Hashable, Sendable {
    public var name: String
    public var status: Int
    public var message: String
    public var description: String?

    public init(name: String, status: Int, message: String, description: String?) {
        self.name = name
        self.status = status
        self.message = message
        self.description = description
    }
}

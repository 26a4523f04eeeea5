import SchemaIR

// What the templates render. Every string here is final Swift text; the templates only place it.

struct NamespaceView {
    let header: String
    let access: String
    let runtime = RuntimeSymbols.module
    let name: String
    let schemaName: String
    let namespaceDoc: String?
    let version: Int
    let messageTypes: [String]
    let hasMessages: Bool
    let errors: [ErrorView]
    let hasErrors: Bool
}

struct ErrorView {
    let caseName: String
    let code: String
    let status: Int
    let message: String
    let errorDoc: String?
}

struct MessagesView {
    let header: String
    let access: String
    let runtime = RuntimeSymbols.module
    let namespace: String
    let schemaName: String
    let enums: [EnumView]
    let records: [RecordView]
    let unions: [UnionView]
}

struct EnumView {
    struct Case {
        let name: String
        let rawValue: String
    }

    let name: String
    let access: String
    let namespace: String
    let runtime = RuntimeSymbols.module
    let typeDoc: String?
    let cases: [Case]
}

struct RecordView {
    let name: String
    let qualified: String
    let namespace: String
    let access: String
    let runtime = RuntimeSymbols.module
    let typeDoc: String?
    let deprecated: Bool
    let messageType: String
    let fields: [FieldView]
    let rules: [String]
    let rejectsUnknown: Bool
    /// The JSON names of the fields, as a list of string literals.
    let fieldNames: String
    let guardBindings: String
    let initArguments: String
    let redactedDescription: String
    // Mustache reads stored properties only (through Mirror), so these are stored too.
    let hasFields: Bool
    let hasRules: Bool
    let hasSecrets: Bool
    /// The statements of `check(at:_:)`; empty when the types hold every rule.
    let checkBody: String
    var hasChecks: Bool { !checkBody.isEmpty }
}

struct FieldView {
    let swiftName: String
    let bareName: String
    let jsonName: String
    let propertyType: String
    /// `@MessagingRuntime.Indirect ` for a field that holds a message directly.
    let wrapper: String
    let fieldDoc: String?
    let initDefault: String
    let codingKeyValue: String
    let decodeLine: String
    let encodeLine: String
    /// The statement of `writeJSONMembers(to:)` that writes the field.
    let writeLine: String
    let validateBlock: String
    /// The field's position among the record's fields (what `JSONTape.match` returns for its name).
    let position: String
    let secret: Bool
    let access: String
}

struct UnionView {
    struct Variant {
        let caseName: String
        let tag: String
        let type: String
    }

    let name: String
    let qualified: String
    let namespace: String
    let access: String
    let runtime = RuntimeSymbols.module
    let typeDoc: String?
    let messageType: String
    let discriminator: String
    let discriminatorLiteral: String
    /// `indirect ` when a variant leads back to the union.
    let indirect: String
    let tagList: String
    let variants: [Variant]
}

struct SubjectsView {
    let header: String
    let access: String
    let runtime = RuntimeSymbols.module
    let namespace: String
    let schemaName: String
    let subjects: [SubjectView]
}

struct SubjectView {
    let access: String
    let runtime = RuntimeSymbols.module
    let swiftName: String
    let subjectDoc: String?
    let name: String
    let pattern: String
    let subscription: String
    let subjectClosure: String
    var isRequest = false
    // Requests
    var requestType = ""
    var replyType = ""
    var timeout = 0
    var queue = ""
    var hasLock = false
    var lockPattern = ""
    var lockClosure = ""
    var idempotent = false
    var errors = ""
    var http = "nil"
    // Events
    var messageType = ""
    var stream = "nil"
}

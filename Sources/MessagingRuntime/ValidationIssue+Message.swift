extension ValidationIssue {
    /// The human message, in Zod's words: `Invalid input: expected string, received undefined`,
    /// `Too small: expected string to have >=8 characters`, `Invalid email address`.
    public var message: String {
        switch details {
        case .type(let expected, let received):
            return "Invalid input: expected \(expected), received \(received)"
        case .bound(let origin, let limit, let inclusive):
            let small = code == .tooSmall
            let relation = (small ? ">" : "<") + (inclusive ? "=" : "")
            let head = small ? "Too small" : "Too big"
            let bound = Self.number(limit)
            switch origin {
            case "string": return "\(head): expected string to have \(relation)\(bound) characters"
            case "array": return "\(head): expected array to have \(relation)\(bound) items"
            case "object": return "\(head): expected object to have \(relation)\(bound) properties"
            default: return "\(head): expected \(origin) to be \(relation)\(bound)"
            }
        case .format(let format):
            return "Invalid \(format.displayName)"
        case .pattern(let source):
            return "Invalid string: must match pattern /\(source)/"
        case .divisor(let divisor):
            return "Invalid number: must be a multiple of \(Self.number(divisor))"
        case .values(let values):
            return "Invalid option: expected one of \(Self.quoted(values))"
        case .repeatedItem:
            let index = path.components.last.map { "item \($0) repeats an earlier item" } ?? "an item repeats"
            return "Invalid input: array items must be unique (\(index))"
        case .keys(let keys):
            let list = keys.map { "\"\($0)\"" }.joined(separator: ", ")
            return keys.count == 1 ? "Unrecognized key: \(list)" : "Unrecognized keys: \(list)"
        case .union(let discriminator, let received, let tags):
            return "Invalid input: expected \"\(discriminator)\" to be one of \(Self.quoted(tags)), received \(received)"
        case .text(let text):
            return text
        }
    }

    /// The issue as Zod prints it: `{"code":…,"path":[…],"message":…, details}`.
    public var jsonValue: JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "code", value: .string(code.rawValue)),
            .init(key: "path", value: path.jsonValue),
            .init(key: "message", value: .string(message)),
        ]
        func add(_ key: String, _ value: JSONValue?) {
            if let value { members.append(.init(key: key, value: value)) }
        }
        add("expected", expected.map(JSONValue.string))
        add("received", received.map(JSONValue.string))
        add("origin", origin.map(JSONValue.string))
        add("minimum", minimum.map(Self.jsonNumber))
        add("maximum", maximum.map(Self.jsonNumber))
        add("inclusive", inclusive.map(JSONValue.bool))
        add("format", format.map(JSONValue.string))
        add("pattern", pattern.map(JSONValue.string))
        add("divisor", divisor.map(Self.jsonNumber))
        add("values", values.map { .array($0.map(JSONValue.string)) })
        add("keys", keys.map { .array($0.map(JSONValue.string)) })
        add("discriminator", discriminator.map(JSONValue.string))
        add("note", note.map(JSONValue.string))
        return .object(JSONObject(members))
    }

    static func jsonNumber(_ value: Double) -> JSONValue {
        if value.rounded() == value, abs(value) < 9.0e15 { return .int(Int64(value)) }
        return .double(value)
    }

    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e18 { return String(Int64(value)) }
        return String(value)
    }

    static func quoted(_ values: [String]) -> String {
        values.map { "\"\($0)\"" }.joined(separator: "|")
    }
}

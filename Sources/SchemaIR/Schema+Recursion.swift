extension Schema {
    /// The messages that `message` holds directly, not inside an array or map: record fields of a
    /// message type, and the variants of a union. With `requiredOnly`, only the references every
    /// valid value must contain (required, non-null record fields).
    public func directReferences(of message: MessageType, requiredOnly: Bool) -> [(target: QualifiedName, via: String)] {
        switch message.shape {
        case .record(let fields, _):
            return fields.compactMap { field in
                guard case .message(let target) = field.type else { return nil }
                if requiredOnly, field.optional || field.nullable || field.defaultValue != nil { return nil }
                return (target, field.name)
            }
        case .union(_, let variants):
            // A union may always pick another variant, so none of its references is required.
            return requiredOnly ? [] : variants.map { ($0.message, $0.tag) }
        }
    }

    /// Whether a value of `start` can contain a value of `target` through direct references.
    public func reaches(_ start: QualifiedName, _ target: QualifiedName, requiredOnly: Bool) -> Bool {
        var stack = [start]
        var seen: Set<QualifiedName> = []
        while let next = stack.popLast() {
            if next == target { return true }
            guard seen.insert(next).inserted, let message = message(next) else { continue }
            stack += directReferences(of: message, requiredOnly: requiredOnly).map(\.target)
        }
        return false
    }
}

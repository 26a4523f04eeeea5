/// Where an issue is in a payload: `["seats", 2, "row"]`, as Zod's `path`.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public enum Component: Hashable, Sendable, CustomStringConvertible {
        case key(String)
        case index(Int)

        public var description: String {
            switch self {
            case .key(let key): key
            case .index(let index): String(index)
            }
        }
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }
    public init(arrayLiteral elements: Component...) { self.components = elements }

    public static let root = JSONPath()

    /// The path one key further. A path built step by step (`path() + "seats" + 2 + "row"`)
    /// grows in place: each step leaves room for the next ones.
    public static func + (path: consuming JSONPath, key: String) -> JSONPath {
        path.append(.key(key))
        return path
    }

    public static func + (path: consuming JSONPath, index: Int) -> JSONPath {
        path.append(.index(index))
        return path
    }

    private mutating func append(_ component: Component) {
        if components.count == components.capacity { components.reserveCapacity(components.count + 4) }
        components.append(component)
    }

    /// The path one step further, built in a single allocation.
    public func appending(_ component: Component) -> JSONPath {
        var result: [Component] = []
        result.reserveCapacity(components.count + 1)
        result.append(contentsOf: components)
        result.append(component)
        return JSONPath(result)
    }

    /// `seats[2].row`; the root is `(root)`.
    public var description: String {
        guard !components.isEmpty else { return "(root)" }
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// The path as a JSON array, as in Zod's issue: `["seats",2,"row"]`.
    public var jsonValue: JSONValue {
        .array(components.map {
            switch $0 {
            case .key(let key): .string(key)
            case .index(let index): .int(Int64(index))
            }
        })
    }
}

extension JSONPath.Component: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
}

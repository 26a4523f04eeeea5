import SchemaDiagnostics
import SchemaSyntax

/// Reading typed scalars out of YAML nodes, with a diagnostic when a node is not what it should be.
extension Compilation {
    mutating func string(_ node: YAMLNode, what: String) -> String? {
        guard let scalar = node.scalar, !scalar.isNull || !scalar.text.isEmpty else {
            error("invalid-value", "\(what) must be text, not \(node.scalar == nil ? node.kindDescription : "empty")", at: node)
            return nil
        }
        return scalar.text
    }

    mutating func integer(_ node: YAMLNode, what: String) -> Int? {
        if let scalar = node.scalar, scalar.isPlain, let value = Int(scalar.text) { return value }
        error("invalid-value", "\(what) must be an integer, not \(describe(node))", at: node)
        return nil
    }

    mutating func number(_ node: YAMLNode, what: String) -> Double? {
        if let scalar = node.scalar, scalar.isPlain, let value = Self.parseNumber(scalar.text) { return value }
        error("invalid-value", "\(what) must be a number, not \(describe(node))", at: node)
        return nil
    }

    mutating func boolean(_ node: YAMLNode, what: String) -> Bool? {
        if let scalar = node.scalar, scalar.isPlain, let value = Self.parseBool(scalar.text) { return value }
        error("invalid-value", "\(what) must be true or false, not \(describe(node))", at: node)
        return nil
    }

    func describe(_ node: YAMLNode) -> String {
        guard let scalar = node.scalar else { return node.kindDescription }
        if !scalar.isPlain { return "the quoted text \"\(scalar.text)\"" }
        return scalar.isNull && scalar.text.isEmpty ? "empty" : "'\(scalar.text)'"
    }

    /// A YAML core-schema number: decimal integers and finite decimals (no `.inf`, `.nan`, hex or octal).
    static func parseNumber(_ text: String) -> Double? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ "0123456789+-.eE_".unicodeScalars.contains($0) }),
            let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite
        else { return nil }
        return value
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

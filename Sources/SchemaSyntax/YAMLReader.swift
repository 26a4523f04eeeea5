internal import CYAML
public import SchemaDiagnostics

/// Reads one YAML document with libyaml into `YAMLNode`s that keep their positions.
///
/// Problems (syntax errors, duplicate keys, non-scalar keys, aliases, several documents) are
/// reported to the diagnostic engine; the result is nil when the document could not be read.
public enum YAMLReader {
    public static func read(_ file: SourceFile, into diagnostics: inout DiagnosticEngine) -> YAMLNode? {
        var bytes = Array(file.text.utf8)
        if bytes.isEmpty { bytes = [] }
        // libyaml keeps a pointer to the parser struct, so it must not be a Swift local passed by `&`.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            diagnostics.error("yaml-syntax", "could not initialise the YAML parser", at: nil)
            return nil
        }
        defer { yaml_parser_delete(parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            var builder = TreeBuilder(file: file.path)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid YAML"
                    let mark = parser.pointee.problem_mark
                    var message = problem
                    if let context = parser.pointee.context.map({ String(cString: $0) }) {
                        message = "\(problem) \(context)"
                    }
                    let location = SourceLocation(file: file.path, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
                    diagnostics.error("yaml-syntax", message, at: SourceRange(at: location))
                    return nil
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                builder.handle(&event, diagnostics: &diagnostics)
            }
            return builder.failed ? nil : builder.root
        }
    }
}

/// Turns libyaml's event stream into a tree.
private struct TreeBuilder {
    enum Frame {
        case mapping(start: SourceLocation, pairs: [YAMLPair], pendingKey: YAMLNode?)
        case sequence(start: SourceLocation, items: [YAMLNode])
    }

    let file: String
    var stack: [Frame] = []
    var root: YAMLNode?
    var documents = 0
    var failed = false

    init(file: String) { self.file = file }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    mutating func handle(_ event: inout yaml_event_t, diagnostics: inout DiagnosticEngine) {
        let start = location(event.start_mark), end = location(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents == 2 {
                diagnostics.error("yaml-syntax", "a schema file holds one YAML document", at: SourceRange(start: start, end: end))
                failed = true
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = scalar.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
            } ?? ""
            let node = YAMLNode(
                .scalar(YAMLScalar(text: text, isPlain: scalar.style == YAML_PLAIN_SCALAR_STYLE)),
                range: SourceRange(start: start, end: end)
            )
            add(node, diagnostics: &diagnostics)
        case YAML_ALIAS_EVENT:
            diagnostics.error(
                "yaml-alias", "YAML aliases are not supported in schemas; write the value out",
                at: SourceRange(start: start, end: end)
            )
            failed = true
            add(YAMLNode(.scalar(YAMLScalar(text: "", isPlain: true)), range: SourceRange(start: start, end: end)),
                diagnostics: &diagnostics)
        case YAML_MAPPING_START_EVENT:
            stack.append(.mapping(start: start, pairs: [], pendingKey: nil))
        case YAML_SEQUENCE_START_EVENT:
            stack.append(.sequence(start: start, items: []))
        case YAML_MAPPING_END_EVENT:
            guard case .mapping(let open, let pairs, _) = stack.popLast() else { return }
            add(YAMLNode(.mapping(pairs), range: SourceRange(start: open, end: end)), diagnostics: &diagnostics)
        case YAML_SEQUENCE_END_EVENT:
            guard case .sequence(let open, let items) = stack.popLast() else { return }
            add(YAMLNode(.sequence(items), range: SourceRange(start: open, end: end)), diagnostics: &diagnostics)
        default:
            break
        }
    }

    mutating func add(_ node: YAMLNode, diagnostics: inout DiagnosticEngine) {
        guard let top = stack.popLast() else {
            if root == nil { root = node }
            return
        }
        switch top {
        case .sequence(let start, var items):
            items.append(node)
            stack.append(.sequence(start: start, items: items))
        case .mapping(let start, var pairs, let pendingKey):
            guard let key = pendingKey else {
                if node.scalar == nil {
                    diagnostics.error("yaml-key", "mapping keys must be plain text, not \(node.kindDescription)", at: node.range)
                    failed = true
                }
                stack.append(.mapping(start: start, pairs: pairs, pendingKey: node))
                return
            }
            if let previous = pairs.first(where: { $0.key.text == key.text }) {
                diagnostics.error(
                    "duplicate-key", "duplicate key '\(key.text ?? "")'", at: key.range,
                    notes: [.note("previous definition is here", at: previous.key.range)]
                )
            } else {
                pairs.append(YAMLPair(key: key, value: node))
            }
            stack.append(.mapping(start: start, pairs: pairs, pendingKey: nil))
        }
    }
}

internal import CYAML
public import SchemaDiagnostics

/// Reads one YAML document with libyaml into `YAMLNode`s that keep their positions.
///
/// Problems (syntax errors, duplicate keys, non-scalar keys, aliases, several documents, nesting
/// deeper than `maximumDepth`) are reported to the diagnostic engine; the result is nil when the
/// document could not be read. An empty file (or one of comments only) reads as a null scalar.
public enum YAMLReader {
    /// How deeply mappings and sequences may nest. Schemas need a handful of levels; the limit keeps
    /// hostile input (`[[[[…`) from overflowing the stack of the recursive passes over the tree.
    public static let maximumDepth = 64

    public static func read(_ file: SourceFile, into diagnostics: inout DiagnosticEngine) -> YAMLNode? {
        let bytes = Array(file.text.utf8)
        // libyaml keeps a pointer to the parser struct, so it must not be a Swift local passed by `&`.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            diagnostics.error("yaml-syntax", "could not initialise the YAML parser", at: nil)
            return nil
        }
        defer { yaml_parser_delete(parser) }
        // libyaml asserts that the input pointer is not null, even for empty input.
        let storage = bytes.isEmpty ? [0] : bytes
        return storage.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(parser, buffer.baseAddress, bytes.count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            var builder = TreeBuilder(file: file.path)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    diagnostics.emit(syntaxError(parser.pointee, in: file))
                    return nil
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                builder.handle(&event, diagnostics: &diagnostics)
                if builder.tooDeep { return nil }
            }
            if builder.failed { return nil }
            let start = SourceLocation(file: file.path, line: 1, column: 1)
            return builder.root ?? YAMLNode(.scalar(YAMLScalar(text: "", isPlain: true)), range: SourceRange(at: start))
        }
    }

    /// libyaml's error as a diagnostic: at the problem, with a note where the construct that could
    /// not be finished (`[`, a quoted scalar, a block mapping) starts.
    static func syntaxError(_ parser: yaml_parser_t, in file: SourceFile) -> Diagnostic {
        let lines = file.lines()
        func location(_ mark: yaml_mark_t) -> SourceLocation {
            // At the end of a text without a final line break, libyaml moves to a line of its own
            // that the file does not have: point after the last character instead.
            guard Int(mark.line) < lines.count else {
                return SourceLocation(file: file.path, line: lines.count, column: (lines.last?.unicodeScalars.count ?? 0) + 1)
            }
            return SourceLocation(file: file.path, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        guard parser.error != YAML_READER_ERROR else {
            // The reader reports a byte offset, not a mark.
            let at = file.location(ofUTF8Offset: parser.problem_offset)
            var message = problem
            if parser.problem_value >= 0, let scalar = Unicode.Scalar(UInt32(parser.problem_value)) {
                message += " (U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)))"
            }
            return .error("yaml-syntax", message, at: SourceRange(at: at))
        }
        let at = location(parser.problem_mark)
        if let line = file.line(at.line), at.column >= 1,
            line.unicodeScalars.dropFirst(at.column - 1).first == "\t"
        {
            return .error("yaml-syntax", "tabs cannot indent YAML; indent with spaces", at: SourceRange(at: at))
        }
        guard let context = parser.context.map({ String(cString: $0) }) else {
            return .error("yaml-syntax", problem, at: SourceRange(at: at))
        }
        var notes: [Diagnostic] = []
        let contextStart = location(parser.context_mark)
        if contextStart != at, let construct = context.construct {
            notes.append(.note("the \(construct) starts here", at: SourceRange(at: contextStart)))
        }
        return .error("yaml-syntax", "\(problem) \(context)", at: SourceRange(at: at), notes: notes)
    }
}

extension String {
    /// `while parsing a flow sequence` → `flow sequence`.
    fileprivate var construct: String? {
        for prefix in ["while parsing an ", "while parsing a ", "while scanning an ", "while scanning a "]
        where hasPrefix(prefix) {
            let noun = String(dropFirst(prefix.count))
            return noun == "simple key" ? "key" : noun
        }
        return nil
    }

    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

/// Turns libyaml's event stream into a tree.
private struct TreeBuilder {
    /// An open mapping or sequence. A class, so that appending to it does not copy what it holds
    /// (large mappings and sequences are read in linear time).
    final class Frame {
        let isMapping: Bool
        let start: SourceLocation
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        /// Key text → index in `pairs`, to find duplicates.
        var keys: [String: Int] = [:]

        init(isMapping: Bool, start: SourceLocation) {
            self.isMapping = isMapping
            self.start = start
        }
    }

    let file: String
    var stack: [Frame] = []
    var root: YAMLNode?
    var documents = 0
    var failed = false
    /// Set when the nesting passed `YAMLReader.maximumDepth`; reading stops there.
    var tooDeep = false

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
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            guard stack.count < YAMLReader.maximumDepth else {
                diagnostics.error(
                    "yaml-nesting", "YAML is nested more than \(YAMLReader.maximumDepth) levels deep",
                    at: SourceRange(start: start, end: end)
                )
                tooDeep = true
                return
            }
            stack.append(Frame(isMapping: event.type == YAML_MAPPING_START_EVENT, start: start))
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let range = SourceRange(start: frame.start, end: end)
            add(YAMLNode(frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items), range: range), diagnostics: &diagnostics)
        default:
            break
        }
    }

    mutating func add(_ node: YAMLNode, diagnostics: inout DiagnosticEngine) {
        guard let top = stack.last else {
            if root == nil { root = node }
            return
        }
        guard top.isMapping else {
            top.items.append(node)
            return
        }
        guard let key = top.pendingKey else {
            if node.scalar == nil {
                diagnostics.error("yaml-key", "mapping keys must be plain text, not \(node.kindDescription)", at: node.range)
                failed = true
            }
            top.pendingKey = node
            return
        }
        top.pendingKey = nil
        guard let text = key.text else {
            top.pairs.append(YAMLPair(key: key, value: node))
            return
        }
        if let previous = top.keys[text] {
            diagnostics.error(
                "duplicate-key", "duplicate key '\(text)'", at: key.range,
                notes: [.note("previous definition is here", at: top.pairs[previous].key.range)]
            )
        } else {
            top.keys[text] = top.pairs.count
            top.pairs.append(YAMLPair(key: key, value: node))
        }
    }
}

import SchemaDiagnostics
import SchemaSyntax
import Testing

/// The reader's tree and, above all, the positions it keeps: every diagnostic points with them.
@Suite struct YAMLReaderTests {
    struct Read {
        var root: YAMLNode?
        var diagnostics: [Diagnostic]
    }

    func read(_ text: String) -> Read {
        var engine = DiagnosticEngine()
        let root = YAMLReader.read(SourceFile(path: "t.yaml", text: text), into: &engine)
        return Read(root: root, diagnostics: engine.sorted())
    }

    /// `line:column-line:column` of a range, end exclusive.
    func span(_ node: YAMLNode?) -> String {
        guard let range = node?.range else { return "none" }
        return "\(range.start.line):\(range.start.column)-\(range.end.line):\(range.end.column)"
    }

    func pair(_ name: String, in node: YAMLNode?) -> YAMLPair? {
        node?.mapping?.first { $0.name == name }
    }

    @Test func blockStylePositionsOfKeysAndValues() throws {
        let root = try #require(read("namespace: auth\nmessages:\n  User:\n    fields:\n      name: string\n").root)
        #expect(span(pair("namespace", in: root)?.key) == "1:1-1:10")
        #expect(span(root["namespace"]) == "1:12-1:16")
        let name = pair("name", in: root["messages"]?["User"]?["fields"])
        #expect(span(name?.key) == "5:7-5:11")
        #expect(span(name?.value) == "5:13-5:19")
        #expect(name?.value.text == "string")
        // A block mapping starts at its first key.
        #expect(span(root["messages"]).hasPrefix("3:3-"))
    }

    @Test func flowStylePositions() throws {
        let root = try #require(read(#"a: { b: [1, 'two'], c: "x" }"#).root)
        let flow = root["a"]
        #expect(span(flow) == "1:4-1:29")
        #expect(span(pair("b", in: flow)?.key) == "1:6-1:7")
        #expect(span(flow?["b"]) == "1:9-1:19")
        let items = try #require(flow?["b"]?.sequence)
        #expect(items.map(span) == ["1:10-1:11", "1:13-1:18"])
        #expect(span(pair("c", in: flow)?.key) == "1:21-1:22")
        #expect(span(flow?["c"]) == "1:24-1:27")
    }

    @Test func quotedAndPlainScalars() throws {
        let root = try #require(read("a: 'true'\nb: true\nc: \"\"\nd:\ne: ~\nf: null\ng: |\n  text\n").root)
        #expect(root["a"]?.scalar == YAMLScalar(text: "true", isPlain: false))
        #expect(root["b"]?.scalar == YAMLScalar(text: "true", isPlain: true))
        #expect(root["c"]?.scalar?.isNull == false)
        #expect(root["d"]?.scalar?.isNull == true)
        #expect(root["e"]?.scalar?.isNull == true)
        #expect(root["f"]?.scalar?.isNull == true)
        #expect(root["g"]?.scalar == YAMLScalar(text: "text\n", isPlain: false))
        // An empty value sits right after its colon.
        #expect(span(root["d"]) == "4:3-4:3")
        // A quoted scalar's range includes its quotes.
        #expect(span(root["a"]) == "1:4-1:10")
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n", "---\n"])
    func emptyDocumentIsNull(_ text: String) throws {
        let result = read(text)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.root)
        #expect(root.scalar?.isNull == true)
        #expect(root.range.start.line >= 1 && root.range.start.column >= 1)
    }

    @Test func columnsCountUnicodeScalars() throws {
        let root = try #require(read("名前: x\ncafé: é y\n").root)
        #expect(span(root["名前"]) == "1:5-1:6")
        #expect(span(root["café"]) == "2:7-2:10")
    }

    @Test func windowsLineEndingsCountOnce() throws {
        let root = try #require(read("a: 1\r\nb: 2\r\n").root)
        #expect(span(root["b"]) == "2:4-2:5")
    }

    @Test func duplicateKeysAreReportedWithThePreviousOne() {
        let result = read("a: 1\nb: 2\na: 3\n")
        #expect(result.diagnostics.count == 1)
        let diagnostic = result.diagnostics.first
        #expect(diagnostic?.id == "duplicate-key")
        #expect(diagnostic?.range?.start == SourceLocation(file: "t.yaml", line: 3, column: 1))
        #expect(diagnostic?.notes.first?.range?.start == SourceLocation(file: "t.yaml", line: 1, column: 1))
        // The first value is kept.
        #expect(result.root?["a"]?.text == "1")
    }

    @Test func nonScalarKeysAreReportedOnce() {
        let result = read("? [a]\n: 1\n? {b: c}\n: 2\n")
        #expect(result.diagnostics.map(\.id) == ["yaml-key", "yaml-key"])
        #expect(result.root == nil)
    }

    @Test func aliasesAndSeveralDocumentsAreRejected() {
        #expect(read("a: &x 1\nb: *x\n").diagnostics.map(\.id) == ["yaml-alias"])
        let documents = read("a: 1\n---\nb: 2\n")
        #expect(documents.diagnostics.map(\.id) == ["yaml-syntax"])
        #expect(documents.diagnostics.first?.range?.start.line == 2)
        #expect(documents.root == nil)
    }

    @Test func syntaxErrorsPointAtTheProblemWithANoteAtTheConstruct() throws {
        let result = read("a: [1, 2\nb: 3\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.id == "yaml-syntax")
        #expect(diagnostic.range?.start.line == 2)
        #expect(diagnostic.notes.first?.message == "the flow sequence starts here")
        #expect(diagnostic.notes.first?.range?.start == SourceLocation(file: "t.yaml", line: 1, column: 4))
        #expect(result.root == nil)
    }

    @Test func tabIndentationIsExplained() throws {
        let diagnostic = try #require(read("a:\n\tb: 1\n").diagnostics.first)
        #expect(diagnostic.message == "tabs cannot indent YAML; indent with spaces")
        #expect(diagnostic.range?.start == SourceLocation(file: "t.yaml", line: 2, column: 1))
    }

    @Test func controlCharactersAreReportedWhereTheyAre() throws {
        let diagnostic = try #require(read("a: 1\nbé: \"x\u{7}y\"\n").diagnostics.first)
        #expect(diagnostic.id == "yaml-syntax")
        #expect(diagnostic.message == "control characters are not allowed (U+0007)")
        #expect(diagnostic.range?.start == SourceLocation(file: "t.yaml", line: 2, column: 7))
    }

    @Test func nestingIsLimited() {
        let limit = YAMLReader.maximumDepth
        let atLimit = read(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        #expect(atLimit.diagnostics.isEmpty)
        #expect(atLimit.root != nil)
        let over = read(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1))
        #expect(over.diagnostics.map(\.id) == ["yaml-nesting"])
        #expect(over.diagnostics.first?.range?.start.column == limit + 1)
        #expect(over.root == nil)
        // Far deeper input stops at the limit instead of exhausting the stack.
        #expect(read(String(repeating: "- ", count: 50_000) + "x").diagnostics.map(\.id) == ["yaml-nesting"])
        #expect(read(String(repeating: "{a: ", count: 50_000)).diagnostics.map(\.id) == ["yaml-nesting"])
    }

    @Test func largeMappingsAndSequencesAreReadInFull() throws {
        let count = 20_000
        let mapping = (0..<count).map { "k\($0): \($0)" }.joined(separator: "\n")
        let root = try #require(read(mapping).root)
        #expect(root.mapping?.count == count)
        #expect(span(root["k19999"]) == "20000:9-20000:14")
        let sequence = "[" + (0..<count).map(String.init).joined(separator: ", ") + "]"
        #expect(try #require(read(sequence).root).sequence?.count == count)
    }
}

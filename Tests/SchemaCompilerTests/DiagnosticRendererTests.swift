import SchemaDiagnostics
import Testing

/// The clang-style rendering: location, message and id, the source line, the caret, notes, counts.
@Suite struct DiagnosticRendererTests {
    let file = SourceFile(path: "schemas/a.yaml", text: "namespace: a\nmessages:\n  User:\n    fields:\n      role: Rol\n")

    func at(_ line: Int, _ column: Int, to endColumn: Int? = nil, endLine: Int? = nil, in path: String = "schemas/a.yaml")
        -> SourceRange
    {
        SourceRange(
            start: SourceLocation(file: path, line: line, column: column),
            end: SourceLocation(file: path, line: endLine ?? line, column: endColumn ?? column)
        )
    }

    @Test func caretAndTildesUnderTheRange() {
        let diagnostic = Diagnostic.error("unknown-type", "unknown type 'Rol'; did you mean 'Role'?", at: at(5, 13, to: 16))
        #expect(DiagnosticRenderer(files: [file]).render([diagnostic]) == """
            schemas/a.yaml:5:13: error: unknown type 'Rol'; did you mean 'Role'? [unknown-type]
                  role: Rol
                        ^~~
            1 error generated.

            """)
    }

    @Test func emptyAndOneCharacterRangesShowACaretOnly() {
        let renderer = DiagnosticRenderer(files: [file])
        #expect(renderer.render(.error("x", "m", at: at(1, 12))).hasSuffix("namespace: a\n           ^\n"))
        #expect(renderer.render(.error("x", "m", at: at(1, 12, to: 13))).hasSuffix("namespace: a\n           ^\n"))
    }

    @Test func rangesEndingPastTheLineOrOnAnotherLineAreClipped() {
        let renderer = DiagnosticRenderer(files: [file])
        #expect(renderer.render(.error("x", "m", at: at(1, 12, to: 40))).hasSuffix("           ^\n"))
        #expect(renderer.render(.error("x", "m", at: at(1, 1, to: 40))).hasSuffix("\n^" + String(repeating: "~", count: 11) + "\n"))
        #expect(renderer.render(.error("x", "m", at: at(3, 3, to: 4, endLine: 5))).hasSuffix("  User:\n  ^\n"))
    }

    @Test func tabsBeforeTheCaretAreKeptSoThatItLinesUp() {
        let tabbed = SourceFile(path: "t.yaml", text: "\tname:\tRol\n")
        let range = SourceRange(
            start: SourceLocation(file: "t.yaml", line: 1, column: 8), end: SourceLocation(file: "t.yaml", line: 1, column: 11)
        )
        #expect(DiagnosticRenderer(files: [tabbed]).render(.error("x", "m", at: range)) == "t.yaml:1:8: error: m [x]\n\tname:\tRol\n\t     \t^~~\n")
    }

    @Test func notesFollowTheirErrorWithoutAnID() {
        let diagnostic = Diagnostic.error(
            "duplicate-key", "duplicate key 'role'", at: at(5, 7, to: 11),
            notes: [.note("previous definition is here", at: at(3, 3, to: 7))]
        )
        #expect(DiagnosticRenderer(files: [file]).render([diagnostic]) == """
            schemas/a.yaml:5:7: error: duplicate key 'role' [duplicate-key]
                  role: Rol
                  ^~~~
            schemas/a.yaml:3:3: note: previous definition is here
              User:
              ^~~~
            1 error generated.

            """)
    }

    @Test func countLine() {
        let renderer = DiagnosticRenderer(files: [])
        let error = Diagnostic.error("e", "bad", at: nil)
        let warning = Diagnostic.warning("w", "odd", at: nil)
        #expect(renderer.render([]) == "")
        #expect(renderer.render([error]).hasSuffix("\n1 error generated.\n"))
        #expect(renderer.render([error, error]).hasSuffix("\n2 errors generated.\n"))
        #expect(renderer.render([warning]).hasSuffix("\n1 warning generated.\n"))
        #expect(renderer.render([warning, error, error]).hasSuffix("\n1 warning and 2 errors generated.\n"))
        #expect(renderer.render([warning, warning, error]).hasSuffix("\n2 warnings and 1 error generated.\n"))
        // Notes are not counted.
        #expect(renderer.render([.error("e", "bad", at: nil, notes: [.note("here", at: nil)])]) == "error: bad [e]\nnote: here\n1 error generated.\n")
    }

    @Test func warningsRenderLikeErrors() {
        let text = DiagnosticRenderer(files: [file]).render(.warning("deprecated", "old", at: at(2, 1, to: 9)))
        #expect(text == "schemas/a.yaml:2:1: warning: old [deprecated]\nmessages:\n^~~~~~~~\n")
    }

    @Test func noSourceLineForUnknownFilesOrLines() {
        let renderer = DiagnosticRenderer(files: [file])
        #expect(renderer.render(.error("x", "m", at: at(1, 1, in: "schemas/other.yaml"))) == "schemas/other.yaml:1:1: error: m [x]\n")
        #expect(renderer.render(.error("x", "m", at: at(99, 1))) == "schemas/a.yaml:99:1: error: m [x]\n")
    }

    @Test func linesEndWhereLibYAMLEndsThem() {
        let text = SourceFile(path: "t", text: "a\r\nb\rc\u{85}d\u{2028}e\u{2029}f\ng")
        #expect(text.lines() == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(text.line(2) == "b")
        #expect(text.line(7) == "g")
        #expect(text.line(8) == nil)
        #expect(text.line(0) == nil)
        #expect(SourceFile(path: "t", text: "a\n").lines() == ["a", ""])
        #expect(SourceFile(path: "t", text: "").line(1) == "")
    }

    @Test func byteOffsetsBecomeLinesAndColumns() {
        let text = SourceFile(path: "t", text: "ab\r\ncé\u{7}")
        #expect(text.location(ofUTF8Offset: 0) == SourceLocation(file: "t", line: 1, column: 1))
        #expect(text.location(ofUTF8Offset: 4) == SourceLocation(file: "t", line: 2, column: 1))
        // é is two bytes and one column.
        #expect(text.location(ofUTF8Offset: 7) == SourceLocation(file: "t", line: 2, column: 3))
    }

    @Test func theEngineSortsByPositionAndDropsRepeats() {
        var engine = DiagnosticEngine()
        engine.error("b", "second", at: at(5, 7))
        engine.warning("w", "first on the line", at: at(5, 1))
        engine.error("a", "first", at: at(1, 1))
        engine.error("b", "second", at: at(5, 7))
        engine.error("n", "no position", at: nil)
        engine.error("z", "other file", at: at(1, 1, in: "schemas/0.yaml"))
        #expect(engine.sorted().map(\.message) == ["no position", "other file", "first", "first on the line", "second"])
        #expect(engine.errorCount == 5)
        #expect(engine.warningCount == 1)
    }
}

import Foundation
import SchemaCompiler
import SchemaDiagnostics
import TestSupport
import Testing

/// The compiler never crashes or hangs: on any input it returns a schema or diagnostics.
///
/// `FUZZ_SEED=n FUZZ_SCALE=k` runs k times as many inputs from another seed, for a longer search.
@Suite struct CompilerFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seed = UInt64(environment["FUZZ_SEED"] ?? "") ?? 0
    static let scale = max(1, Int(environment["FUZZ_SCALE"] ?? "") ?? 1)
    static let timeLimit = TimeLimitTrait.Duration.minutes(scale)

    /// Text that reaches unusual YAML and schema states.
    static let fragments = [
        ":", ": ", "- ", "[", "]", "{", "}", ",", "'", "\"", "&a ", "*a", "!", "!!str ", "|", ">", "#", "\t", "\r",
        "\r\n", "%YAML 1.2\n", "---\n", "...\n", "? ", "@", "`", "\\", "\u{0}", "\u{7}", "\u{85}", "\u{2028}", "\u{FEFF}",
        "\u{FFFD}", "é", "名", "😀", "{id}", "{", "}", ".", "*", "map<", "[]", "null", "~", "true", "-1", "1e999",
        "0x1F", ".inf", "type: ", "default: ", "oneOf: ", "fields:", "kind: event", "kind: request", "http: ",
        "path: /{x}", "lock: \"{", "timeout: ", "  ", "\n", "\n  ",
    ]

    static var seeds: [String] {
        let examples = ExampleSchemas.sources.map(\.text)
        let valid = FixtureCase.all.filter { $0.name.hasPrefix("valid") || $0.name == "many-errors" }
            .flatMap { (try? $0.sources()) ?? [] }.map(\.text)
        return examples + valid
    }

    /// Compiles and checks what must hold of every result.
    static func compileAndCheck(_ texts: [String], _ label: @autoclosure () -> String) {
        let sources = texts.enumerated().map { index, text in
            SchemaSource(path: "schemas/f\(index).yaml", relativePath: "f\(index).yaml", text: text)
        }
        let result = SchemaCompiler.compile(sources)
        #expect((result.schema == nil) == result.hasErrors, "\(label())")
        let rendered = result.renderedDiagnostics()
        #expect(rendered.isEmpty == result.diagnostics.isEmpty, "\(label())")
        let lines = Dictionary(result.files.map { ($0.path, $0.lines()) }, uniquingKeysWith: { first, _ in first })
        for diagnostic in result.diagnostics + result.diagnostics.flatMap(\.notes) {
            guard let range = diagnostic.range else { continue }
            let line = lines[range.start.file].flatMap { range.start.line <= $0.count ? $0[range.start.line - 1] : nil }
            #expect(line != nil, "\(label()): \(diagnostic.message) at \(range.start)")
            if let line {
                #expect(range.start.column >= 1 && range.start.column <= line.unicodeScalars.count + 1,
                        "\(label()): \(diagnostic.message) at \(range.start)")
            }
        }
    }

    static func mutate(_ text: String, using generator: inout SeededGenerator) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !lines.isEmpty else { break }
            let index = Int.random(in: 0..<lines.count, using: &generator)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: index)
            case 2: lines.swapAt(index, Int.random(in: 0..<lines.count, using: &generator))
            case 3: lines[index] = "  " + lines[index]
            case 4: lines[index] = String(lines[index].drop { $0 == " " })
            case 5, 6:
                var scalars = Array(lines[index].unicodeScalars)
                let at = Int.random(in: 0...scalars.count, using: &generator)
                let fragment = fragments.randomElement(using: &generator)!
                if Bool.random(using: &generator), at < scalars.count { scalars.remove(at: at) }
                scalars.insert(contentsOf: fragment.unicodeScalars, at: at)
                lines[index] = String(String.UnicodeScalarView(scalars))
            case 7:
                // Random bytes, decoded as the loader decodes files (invalid UTF-8 becomes U+FFFD).
                let bytes = (0..<Int.random(in: 1...8, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                lines[index] += String(decoding: bytes, as: UTF8.self)
            case 8:
                lines[index] = lines[index].replacingOccurrences(of: "  ", with: "\t")
            default:
                // Truncation.
                let cut = Int.random(in: 0...lines[index].count, using: &generator)
                lines = Array(lines[..<index]) + [String(lines[index].prefix(cut))]
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test(.timeLimit(timeLimit))
    func mutatedExampleSchemasNeverCrash() {
        var generator = SeededGenerator(seed: 0x5EED ^ Self.seed)
        let seeds = Self.seeds
        #expect(seeds.count >= 3)
        for round in 0..<(3_000 * Self.scale) {
            let text = Self.mutate(seeds[round % seeds.count], using: &generator)
            Self.compileAndCheck([text], "round \(round)")
        }
    }

    @Test(.timeLimit(timeLimit))
    func mutatedSchemaSetsNeverCrash() {
        // Several files at once, so that mutations meet cross-namespace references and clashes.
        var generator = SeededGenerator(seed: 42 ^ Self.seed)
        let examples = ExampleSchemas.sources.map(\.text)
        for round in 0..<(500 * Self.scale) {
            let texts = examples.map { Bool.random(using: &generator) ? Self.mutate($0, using: &generator) : $0 }
            Self.compileAndCheck(texts + (round % 5 == 0 ? [examples[round % examples.count]] : []), "set \(round)")
        }
    }

    @Test(.timeLimit(timeLimit))
    func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 7 ^ Self.seed)
        let alphabet = Array("namespace: x\n- [{:,}]'\"&*!|>#\t?%".utf8)
        for round in 0..<(1_500 * Self.scale) {
            let bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in
                Bool.random(using: &generator) ? alphabet.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            Self.compileAndCheck([String(decoding: bytes, as: UTF8.self)], "bytes \(round)")
        }
    }

    static let hostileInputs: [(String, String)] = {
        let field = "namespace: x\nmessages:\n  M:\n    fields:\n      f: "
        return [
            ("flow sequences", String(repeating: "[", count: 10_000)),
            ("closed flow sequences", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
            ("flow mappings", String(repeating: "{a: ", count: 10_000)),
            ("block sequences", String(repeating: "- ", count: 10_000) + "x"),
            ("block mappings", (0..<1_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n")),
            ("deep default", field + "{ type: json, default: " + String(repeating: "[", count: 10_000) + " }"),
            ("deep array type", field + "int" + String(repeating: "[]", count: 100_000)),
            ("deep map type", field + String(repeating: "map<", count: 50_000) + "int" + String(repeating: ">", count: 50_000)),
            ("huge scalar", "namespace: x\ndescription: " + String(repeating: "a", count: 1_000_000)),
            ("huge key", "namespace: x\n" + String(repeating: "k", count: 200_000) + ": 1"),
            ("huge type", field + String(repeating: "T", count: 200_000)),
            // Explicit keys (`? key`), as libyaml allows no longer implicit ones.
            ("huge name", "namespace: x\nmessages:\n  ? " + String(repeating: "M", count: 200_000) + "\n  : fields:\n      a: "
                + String(repeating: "M", count: 199_999) + "N"),
            ("huge names", "namespace: x\nmessages:\n" + (0..<20).map { "  ? " + String(repeating: "M", count: 10_000) + "\($0)\n  :" }
                .joined(separator: "\n") + "\n  Use:\n    fields:\n      a: " + String(repeating: "M", count: 10_000) + "X"),
            ("many fields", "namespace: x\nmessages:\n  M:\n    fields:\n" + (0..<5_000).map { "      f\($0): Nope\($0)" }.joined(separator: "\n")),
            ("many placeholders", "namespace: x\nmessages:\n  R:\n    fields:\n      a: string\nsubjects:\n  s:\n    subject: x.s\n"
                + "    kind: request\n    request: R\n    reply: R\n    lock: \"" + String(repeating: "{b}", count: 20_000) + "\""),
            ("long line of errors", "namespace: x\nenums:\n  E: [" + (0..<1_000).map { _ in "a" }.joined(separator: ", ") + "]"),
            ("nul bytes", "namespace: x\u{0}\nmessages: {}"),
            ("bom", "\u{FEFF}namespace: x\nmessages:\n  M:\n    fields:\n      a: Nope"),
            ("lone carriage returns", "namespace: x\rmessages:\r  M:\r    fields:\r      a: Nope\r"),
            ("unicode line breaks", "namespace: x\u{2028}messages: {}\u{85}errors: {}"),
            ("only tabs", "\t\t\t"),
            ("anchors everywhere", "namespace: &n x\nmessages: &m\n  M: &f\n    fields: *m"),
            ("many documents", String(repeating: "---\nnamespace: x\n", count: 1_000)),
        ]
    }()

    @Test(.timeLimit(timeLimit))
    func hostileInputsNeverCrash() {
        let clock = ContinuousClock()
        for (name, text) in Self.hostileInputs {
            let elapsed = clock.measure { Self.compileAndCheck([text], name) }
            #expect(elapsed < .seconds(10), "\(name) took \(elapsed)")
        }
    }
}

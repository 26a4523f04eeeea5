import Foundation
import Testing

/// README.md's Swift examples are the regions of the files beside this one, which the build
/// compiles: an example that no longer compiles fails the build, and one edited in only one place
/// fails here.
@Suite struct ReadmeTests {
    struct Example: Equatable {
        var imports: Set<String>
        var body: String
    }

    static let folder = URL(filePath: #filePath).deletingLastPathComponent()
    static let readme = folder.appending(path: "../../README.md").standardized

    /// The README's ```swift blocks, their leading `import` lines apart.
    static func readmeExamples() throws -> [Example] {
        var examples: [Example] = []
        var block: [String]?
        for line in try String(contentsOf: readme, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            if block == nil {
                if line == "```swift" { block = [] }
            } else if line == "```" {
                examples.append(split(block!))
                block = nil
            } else {
                block!.append(String(line))
            }
        }
        return examples
    }

    static func split(_ lines: [String]) -> Example {
        let imports = lines.prefix { $0.hasPrefix("import ") || $0.isEmpty }
        return Example(
            imports: Set(imports.filter { !$0.isEmpty }.map { String($0.dropFirst("import ".count)) }),
            body: lines.dropFirst(imports.count).joined(separator: "\n"))
    }

    /// The compiled regions, each with the imports of its file.
    static func compiledExamples() throws -> [(file: String, example: Example)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        var found: [(String, Example)] = []
        for file in files.sorted() {
            let lines = try String(contentsOf: folder.appending(path: file), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let imports = Set(lines.filter { $0.hasPrefix("import ") }.map { String($0.dropFirst("import ".count)) })
            var region: [String]?
            for line in lines {
                if line == "// readme:begin" {
                    region = []
                } else if line == "// readme:end", let body = region {
                    found.append((file, Example(imports: imports, body: body.joined(separator: "\n"))))
                    region = nil
                } else {
                    region?.append(line)
                }
            }
        }
        return found
    }

    @Test func everyExampleOfTheReadmeIsCompiledAsItIsWritten() throws {
        let examples = try Self.readmeExamples()
        let compiled = try Self.compiledExamples()
        #expect(examples.count >= 11, "README.md's examples were found")
        for example in examples {
            let matches = compiled.filter { $0.example.body == example.body }
            #expect(matches.count == 1, "README example not compiled here (or twice), changed in one place only?\n\(example.body)")
            // An example that names its imports compiles with those alone.
            if !example.imports.isEmpty, let match = matches.first {
                #expect(match.example.imports == example.imports, "\(match.file) imports other modules than its README example")
            }
        }
        for (file, region) in compiled where !examples.contains(where: { $0.body == region.body }) {
            Issue.record("\(file): a region that README.md does not show:\n\(region.body)")
        }
    }
}

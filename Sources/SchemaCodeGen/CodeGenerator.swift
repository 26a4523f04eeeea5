public import Mustache
public import SchemaIR

/// Turns the IR into Swift files with the Mustache templates. Pure: no disk, no clock; the same
/// schema and templates always give the same bytes.
public struct CodeGenerator: Sendable {
    /// The templates the generator needs, by name (file name without `.mustache`).
    public static let templateNames = ["namespace.swift", "messages.swift", "validation.swift", "subjects.swift", "service.swift"]
    /// More messages than this in one namespace are split over several files.
    public static let messagesPerFile = 40

    public let templates: MustacheLibrary
    public let access: AccessLevel

    public init(templates: MustacheLibrary, access: AccessLevel = .public) {
        self.templates = templates
        self.access = access
    }

    /// The names of templates the library lacks.
    public var missingTemplates: [String] {
        Self.templateNames.filter { templates.getTemplate(named: $0) == nil }
    }

    /// Every file for `schema`, sorted by path.
    public func generate(_ schema: Schema) -> [GeneratedFile] {
        var files: [GeneratedFile] = []
        for namespace in schema.namespaces {
            files += generate(namespace, in: schema)
        }
        return files.sorted { $0.path < $1.path }
    }

    func generate(_ namespace: Namespace, in schema: Schema) -> [GeneratedFile] {
        let views = NamespaceViews(namespace: namespace, schema: schema, access: access)
        let base = SwiftNames.namespace(namespace.name)
        var files = [render(views.namespaceView(), "namespace.swift", to: "\(base).swift")]
        for (index, chunk) in views.messageChunks(size: Self.messagesPerFile).enumerated() {
            let suffix = index == 0 ? "" : "\(index + 1)"
            files.append(render(chunk, "messages.swift", to: "\(base)+Messages\(suffix).swift"))
            if !chunk.records.isEmpty || !chunk.unions.isEmpty {
                files.append(render(chunk, "validation.swift", to: "\(base)+Validation\(suffix).swift"))
            }
        }
        if let subjects = views.subjectsView() {
            files.append(render(subjects, "subjects.swift", to: "\(base)+Subjects.swift"))
        }
        if let service = views.serviceView() {
            files.append(render(service, "service.swift", to: "\(base)+Service.swift"))
        }
        return files
    }

    private func render(_ view: Any, _ template: String, to path: String) -> GeneratedFile {
        let text = templates.render(view, withTemplate: template) ?? ""
        return GeneratedFile(path: path, contents: Self.tidy(text))
    }

    /// Stable formatting: no trailing spaces, no runs of blank lines, exactly one final newline.
    /// Works on UTF-8 bytes: generated files are large, and splitting them by Character was slow.
    static func tidy(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var lineStart = 0
        var previousBlank = true  // drops blank lines at the top too
        func endLine() {
            var end = output.count
            while end > lineStart, output[end - 1] == UInt8(ascii: " ") || output[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            output.removeSubrange(end...)
            let blank = end == lineStart
            if blank, previousBlank { return }
            previousBlank = blank
            output.append(UInt8(ascii: "\n"))
            lineStart = output.count
        }
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") { endLine() } else { output.append(byte) }
        }
        endLine()
        while output.count >= 2, output[output.count - 1] == UInt8(ascii: "\n"), output[output.count - 2] == UInt8(ascii: "\n") {
            output.removeLast()
        }
        return String(decoding: output, as: UTF8.self)
    }
}

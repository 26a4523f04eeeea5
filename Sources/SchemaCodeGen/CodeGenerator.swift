public import Mustache
public import SchemaIR

/// Turns the IR into Swift files with the Mustache templates. Pure: no disk, no clock; the same
/// schema and templates always give the same bytes.
public struct CodeGenerator: Sendable {
    /// The templates the generator needs, by name (file name without `.mustache`).
    public static let templateNames = ["namespace.swift", "messages.swift", "validation.swift", "subjects.swift"]
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
        return files
    }

    private func render(_ view: Any, _ template: String, to path: String) -> GeneratedFile {
        let text = templates.render(view, withTemplate: template) ?? ""
        return GeneratedFile(path: path, contents: Self.tidy(text))
    }

    /// Stable formatting: no trailing spaces, no runs of blank lines, exactly one final newline.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var trimmed = line
            while trimmed.last == " " || trimmed.last == "\t" { trimmed = trimmed.dropLast() }
            if trimmed.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(trimmed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}

import Foundation

/// A `.creds` file as `nsc` writes it: a user JWT and the user's NKey seed, each between
/// `-----BEGIN …-----` and `------END …------` lines.
public struct NATSCredentials: Sendable {
    public let jwt: String
    public let keyPair: NKeyPair

    /// - Throws: `NATSClientError(.invalidCredentials)` naming the file (never its secrets).
    public init(contentsOf path: String) throws(NATSClientError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw NATSClientError(.invalidCredentials, "cannot read the credentials file \(path)")
        }
        try self.init(text: text, source: path)
    }

    public init(text: String, source: String = "credentials") throws(NATSClientError) {
        let blocks = Self.blocks(in: text)
        guard blocks.count >= 2 else {
            throw NATSClientError(.invalidCredentials, "\(source) does not hold a user JWT and an NKey seed")
        }
        guard blocks[0].split(separator: ".").count == 3 else {
            throw NATSClientError(.invalidCredentials, "the first block of \(source) is not a JWT")
        }
        jwt = blocks[0]
        do { keyPair = try NKeyPair(seed: blocks[1]) } catch {
            throw NATSClientError(.invalidCredentials, "\(source): \(error.message)")
        }
    }

    /// The text between each BEGIN and END marker line, in order.
    static func blocks(in text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("---"), trimmed.contains("BEGIN") {
                current = []
            } else if trimmed.hasPrefix("---"), trimmed.contains("END") {
                if let current { blocks.append(current.joined().trimmingCharacters(in: .whitespaces)) }
                current = nil
            } else if current != nil {
                current?.append(Substring(trimmed))
            }
        }
        return blocks
    }
}

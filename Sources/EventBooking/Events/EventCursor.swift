import Foundation
import GeneratedSchemas
import MessagingRuntime

/// The position after the last event of a page: its start and id, the listing's sort key. Sent
/// to clients as opaque base64url text, so that they pass it back unchanged.
struct EventCursor: Sendable, Hashable {
    var startsAt: Int64
    var id: UUID

    init(after event: Events.Event) {
        startsAt = event.startsAt.milliseconds
        id = event.id
    }

    /// Reads a cursor a page handed out.
    /// - Throws: `ErrorReply` 400 (an issue at `cursor`) for text that is not one.
    init(text: String) throws {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let parts = Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) }?.split(separator: " ") ?? []
        guard parts.count == 3, parts[0] == "v1", let startsAt = Int64(parts[1]), let id = UUID(uuidString: String(parts[2])) else {
            let issue = ValidationIssue(
                code: .invalidFormat, path: .root + "cursor", message: "Invalid cursor: pass back a page's nextCursor")
            throw ErrorReply(ValidationError(issues: [issue]))
        }
        self.startsAt = startsAt
        self.id = id
    }

    var text: String {
        Data("v1 \(startsAt) \(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

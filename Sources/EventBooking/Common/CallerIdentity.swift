import Foundation
import MessagingRuntime

/// The verified caller of a request: the user id (the access token's subject) and role.
struct CallerIdentity: Sendable, Hashable {
    var id: UUID
    var role: String

    var isAdmin: Bool { role == "admin" }
}

extension HandlerContext {
    /// The caller the gateway verified.
    /// - Throws: `ErrorReply` 401 when the request carries no caller, or one whose id is not a
    ///   user id (a request sent over NATS without going through the gateway's token check).
    func identity() throws -> CallerIdentity {
        guard let caller, let id = UUID(uuidString: caller.id) else {
            throw ErrorReply(code: "unauthorized", status: 401, message: "this request needs a signed-in caller")
        }
        return CallerIdentity(id: id, role: caller.role ?? "user")
    }
}

import Crypto
import Foundation
import MessagingRuntime
import NIOCore
import Synchronization

/// `Idempotency-Key` on unsafe methods: the first request with a key runs, and its successful
/// response is kept; the same key with the same request gets that response again (marked
/// `Idempotent-Replayed: true`), with another request 422. Keys are scoped by caller and route.
/// Errors are not kept, so a failed request can be retried with its key.
struct IdempotencyKey {
    static let maxLength = 255

    /// The stored form of a response: the request's fingerprint, the status and the body.
    struct Stored {
        var fingerprint: String
        var status: Int
        var body: [UInt8]

        var bytes: [UInt8] {
            let object: JSONValue = [
                "fingerprint": .string(fingerprint), "status": .int(Int64(status)), "body": .string(Data(body).base64EncodedString()),
            ]
            return object.serializedBytes()
        }

        init(fingerprint: String, status: Int, body: [UInt8]) {
            self.fingerprint = fingerprint
            self.status = status
            self.body = body
        }

        init?(_ bytes: [UInt8]) {
            guard case .object(let object)? = try? JSONValue(parsing: bytes), case .string(let fingerprint)? = object["fingerprint"],
                case .int(let status)? = object["status"], case .string(let body)? = object["body"], let data = Data(base64Encoded: body)
            else { return nil }
            self.init(fingerprint: fingerprint, status: Int(status), body: Array(data))
        }
    }

    /// The store key: caller, method, route path and the client's key, hashed.
    static func storeKey(_ key: String, caller: Caller?, method: String, path: String) -> String {
        "gateway:" + hex(SHA256.hash(data: Data("\(caller?.id ?? "-")\n\(method)\n\(path)\n\(key)".utf8)))
    }

    /// What makes two requests the same: the path with its query and the JSON they carry.
    static func fingerprint(path: String, json: JSONObject) -> String {
        hex(SHA256.hash(data: Data(path.utf8) + JSONValue.object(json).serializedBytes()))
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// Set once, read after: whether this request ran the work or got a kept response.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

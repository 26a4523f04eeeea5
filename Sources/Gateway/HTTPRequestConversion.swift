import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1

extension HTTPRequest {
    /// NIO's request head as HTTPTypes' request, as `HTTPRequest(head, secure: false, splitCookie:
    /// false)` (NIOHTTPTypesHTTP1) makes it, with less work for the usual request: an origin-form
    /// target (`/path?query`) is the path as it is, which NIO learns by parsing it as a URL first,
    /// and the first `Host` field becomes the authority without a lookup that builds an array.
    /// Other targets (absolute form, `*`, authority form) go through NIO's conversion.
    init(gatewayHead head: HTTPRequestHead) throws {
        guard head.uri.utf8.first == UInt8(ascii: "/") else {
            try self.init(head, secure: false, splitCookie: false)
            return
        }
        let method = try Method(head.method)
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        var authority: String?
        var hostSeen = false
        for field in head.headers {
            if !hostSeen, Self.isHost(field.name) {
                hostSeen = true
                authority = field.value
                continue
            }
            if let name = HTTPField.Name(field.name) { fields.append(HTTPField(name: name, value: field.value)) }
        }
        self.init(method: method, scheme: "http", authority: authority, path: head.uri, headerFields: fields)
    }

    /// `Host`, in any case.
    private static func isHost(_ name: String) -> Bool {
        let utf8 = name.utf8
        return utf8.count == 4 && zip(utf8, "host".utf8).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }
}

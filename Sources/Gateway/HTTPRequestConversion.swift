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
            if !hostSeen, field.name.utf8.count == 4, field.name.hasASCIIPrefix(ignoringCase: "host") {
                hostSeen = true
                authority = field.value
                continue
            }
            if let name = HTTPField.Name(field.name) { fields.append(HTTPField(name: name, value: field.value)) }
        }
        self.init(method: method, scheme: "http", authority: authority, path: head.uri, headerFields: fields)
    }
}

extension String {
    /// Whether the text starts with `lowercasePrefix` (lower-case ASCII), ASCII letters compared in
    /// any case: header names and media types, without making a lower-cased copy.
    func hasASCIIPrefix(ignoringCase lowercasePrefix: String) -> Bool {
        let given = utf8
        let expected = lowercasePrefix.utf8
        return given.count >= expected.count
            && zip(given, expected).allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 == $1 : $0 == $1 }
    }
}

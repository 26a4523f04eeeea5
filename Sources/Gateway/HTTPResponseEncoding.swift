import HTTPTypes
import NIOCore

/// Writes an HTTP/1.1 response, head and body, into one buffer: one write and one flush per
/// response. Field values are legal by construction (`HTTPFields` refuses CR, LF and NUL).
enum HTTPResponseEncoding {
    /// - Parameters:
    ///   - headOnly: the answer to a HEAD request: the head as for GET (with its length), no body.
    ///   - date, server: the `Date` and `Server` fields, unless the response has its own.
    static func encode(_ head: HTTPResponse, body: ByteBuffer, headOnly: Bool, date: String, server: String) -> ByteBuffer {
        let code = head.status.code
        let mayHaveBody = !(100..<200).contains(code) && code != 204 && code != 304
        var out = ByteBufferAllocator().buffer(capacity: 160 + head.headerFields.count * 40 + (mayHaveBody && !headOnly ? body.readableBytes : 0))
        out.writeStaticString("HTTP/1.1 ")
        out.writeString(String(code))
        out.writeInteger(UInt8(ascii: " "))
        out.writeString(head.status.reasonPhrase)
        var hasDate = false
        var hasServer = false
        for field in head.headerFields {
            switch field.name {
            case .contentLength, .transferEncoding: continue
            case .date: hasDate = true
            case .server: hasServer = true
            default: break
            }
            out.writeStaticString("\r\n")
            out.writeString(field.name.rawName)
            out.writeStaticString(": ")
            out.writeString(field.value)
        }
        if !hasDate {
            out.writeStaticString("\r\nDate: ")
            out.writeString(date)
        }
        if !hasServer {
            out.writeStaticString("\r\nServer: ")
            out.writeString(server)
        }
        if mayHaveBody {
            out.writeStaticString("\r\nContent-Length: ")
            out.writeString(String(body.readableBytes))
        }
        out.writeStaticString("\r\n\r\n")
        if mayHaveBody && !headOnly { out.writeImmutableBuffer(body) }
        return out
    }
}

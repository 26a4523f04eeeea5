import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to a loopback HTTP server, byte for byte: for what URLSession hides
/// (pipelining, keep-alive, interim responses, malformed requests, the server closing).
/// Blocking reads with a 5 s timeout each; every wait is bounded. One thread may send while
/// another reads (responses are only touched by the reader).
public final class RawHTTPConnection: @unchecked Sendable {
    private let socket: Int32
    private var received: [UInt8] = []
    public private(set) var closedByServer = false

    /// - Parameter receiveBuffer: a small kernel receive buffer (bytes) makes the server's writes
    ///   back up as soon as the client stops reading.
    public init(port: Int, receiveBuffer: Int32? = nil) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestServerError(message: "socket() failed") }
        if var size = receiveBuffer { setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw TestServerError(message: "cannot connect to 127.0.0.1:\(port)")
        }
    }

    deinit { close(socket) }

    public func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestServerError(message: "send failed") }
            sent += n
        }
    }

    /// One response: status, fields (lower-cased names) and body (by Content-Length).
    public struct Response {
        public var status: Int
        public var fields: [String: String]
        public var body: String
    }

    /// Reads the next response (interim 1xx ones included); nil when the server closed first.
    public func readResponse(headOnly: Bool = false) throws -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = received.firstRange(of: separator)?.upperBound
            if headEnd == nil { guard try fill() else { return nil } }
        }
        let head = String(decoding: received[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestServerError(message: "bad status line in \(head)") }
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = (headOnly || (100..<200).contains(status)) ? 0 : Int(fields["content-length"] ?? "0") ?? 0
        while received.count < headEnd! + length { guard try fill() else { return nil } }
        let body = String(decoding: received[headEnd!..<(headEnd! + length)], as: UTF8.self)
        received.removeFirst(headEnd! + length)
        return Response(status: status, fields: fields, body: body)
    }

    /// Waits (at most 5 s) for the server to close the connection; true if it did.
    public func waitForClose() throws -> Bool {
        while try fill() {}
        return closedByServer
    }

    /// Reads what is there; false once the server closed (or after 5 s without a byte).
    private func fill() throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            received += buffer[..<n]
            return true
        }
        if n == 0 { closedByServer = true }
        return false
    }
}

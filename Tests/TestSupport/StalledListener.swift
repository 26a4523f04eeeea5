import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on 127.0.0.1 whose accept queue is full: a connection attempt to its port
/// hangs (the kernel drops its SYN) until `release()` makes room, and then completes at the
/// client's next SYN retransmission (1 s, 3 s… after the first). For tests of what a client does
/// while one of its dials is under way. Sockets are closed at deinit.
public final class StalledListener: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private var filler: Int32
    private var accepted: [Int32] = []

    /// Listens on `port` (a port a stopped server left free will do) with a backlog of 0, and
    /// fills the queue with a connection of its own that it does not accept yet.
    public init(port: Int) throws {
        self.port = port
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        filler = -1
        guard listener >= 0 else { throw TestServerError(message: "socket: errno \(errno)") }
        var on: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard Self.withLoopback(port, { bind(listener, $0, $1) }) == 0, listen(listener, 0) == 0 else {
            close(listener)
            throw TestServerError(message: "cannot listen on 127.0.0.1:\(port): errno \(errno)")
        }
        filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard Self.withLoopback(port, { connect(filler, $0, $1) }) == 0 else { throw TestServerError(message: "cannot fill the accept queue of port \(port): errno \(errno)") }
    }

    /// The lines of /proc/net/tcp (hexadecimal addresses and states) that name the port.
    public var sockets: [String] {
        Self.tcpTable().split(separator: "\n").map(String.init).filter { $0.contains(String(format: ":%04X ", port)) }
    }

    /// /proc/net/tcp whole: read to its end (it comes a page at a time; one read of its size, 0,
    /// would see only the first sockets).
    static func tcpTable() -> String {
        guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return "" }
        defer { try? file.close() }
        return (try? file.readToEnd()).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Waits (polling /proc/net/tcp) until a connection to the port is in SYN_SENT, its SYN
    /// dropped; false when none is within `timeout`.
    public func waitForStalledDial(within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        let remote = String(format: ":%04X", port)
        while ContinuousClock.now < deadline {
            let table = Self.tcpTable()
            // Fields: sl local_address rem_address st …; st 02 is SYN_SENT.
            let stalled = table.split(separator: "\n").dropFirst().contains { line in
                let fields = line.split(separator: " ")
                return fields.count > 3 && fields[2].hasSuffix(remote) && fields[3] == "02"
            }
            if stalled { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Makes room in the queue (accepts its own connection): a stalled dial completes at its next SYN.
    public func release() {
        guard let socket = acceptOne(within: .seconds(2)) else { return }
        close(socket)
        close(filler)
        filler = -1
    }

    /// The next connection from a client, accepted within `timeout`; nil when none came.
    public func acceptClient(within timeout: Duration) -> Int32? {
        guard let socket = acceptOne(within: timeout) else { return nil }
        accepted.append(socket)
        return socket
    }

    /// Whether the peer of `socket` closes it (a read returns end of stream) within `timeout`,
    /// having sent nothing.
    public static func peerCloses(_ socket: Int32, within timeout: Duration) -> Bool {
        guard isReadable(socket, within: timeout) else { return false }
        var byte: UInt8 = 0
        return read(socket, &byte, 1) == 0
    }

    private func acceptOne(within timeout: Duration) -> Int32? {
        guard Self.isReadable(listener, within: timeout) else { return nil }
        let socket = accept(listener, nil, nil)
        return socket >= 0 ? socket : nil
    }

    /// Whether `socket` has something to read (a connection to accept, bytes, an end) within `timeout`.
    private static func isReadable(_ socket: Int32, within timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Int32(timeout.components.seconds * 1000)) == 1
    }

    /// Calls `body` (bind, connect) with 127.0.0.1:`port`.
    private static func withLoopback(_ port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    deinit {
        for socket in accepted { close(socket) }
        if filler >= 0 { close(filler) }
        close(listener)
    }
}

import Foundation

/// A cluster of real nats-servers on loopback: each node on free client and route ports, every
/// node given the routes of the others. Ended by PID with the servers.
public final class NATSCluster: @unchecked Sendable {
    public let nodes: [NATSServer]

    /// - Parameter configuration: more configuration text for every node.
    public init(size: Int = 3, configuration: String = "") throws {
        var ports: Set<Int> = []
        while ports.count < 2 * size { ports.insert(try NATSServer.freePort()) }
        let all = Array(ports)
        let clientPorts = Array(all[..<size]), routePorts = Array(all[size...])
        var nodes: [NATSServer] = []
        for index in 0..<size {
            let routes = routePorts.indices.filter { $0 != index }.map { "nats-route://127.0.0.1:\(routePorts[$0])" }
            let text = """
                server_name: node\(index)
                cluster {
                  name: switchboard-tests
                  listen: 127.0.0.1:\(routePorts[index])
                  routes: [\(routes.joined(separator: ", "))]
                }
                \(configuration)
                """
            nodes.append(try NATSServer(port: clientPorts[index], configuration: text))
        }
        self.nodes = nodes
    }

    public func stop() {
        for node in nodes { node.stop() }
    }
}

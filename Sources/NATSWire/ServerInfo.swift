import Foundation

/// What a server says of itself in INFO: limits, features, the cluster's other URLs, lame duck mode.
public struct ServerInfo: Sendable, Hashable, Decodable {
    public var serverID: String
    public var serverName: String?
    public var version: String
    public var proto: Int
    public var host: String?
    public var port: Int?
    public var headers: Bool
    public var maxPayload: Int
    public var clientID: UInt64?
    public var authRequired: Bool
    public var tlsRequired: Bool
    public var tlsAvailable: Bool
    /// Other servers of the cluster that clients may connect to.
    public var connectURLs: [String]
    /// Lame duck mode: the server is about to shut down; clients should move.
    public var lameDuckMode: Bool
    /// The nonce to sign for NKey authentication.
    public var nonce: String?
    public var jetStream: Bool
    public var cluster: String?

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id", serverName = "server_name", version, proto, host, port, headers
        case maxPayload = "max_payload", clientID = "client_id", authRequired = "auth_required"
        case tlsRequired = "tls_required", tlsAvailable = "tls_available", connectURLs = "connect_urls"
        case lameDuckMode = "ldm", nonce, jetStream = "jetstream", cluster
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serverID = try c.decodeIfPresent(String.self, forKey: .serverID) ?? ""
        serverName = try c.decodeIfPresent(String.self, forKey: .serverName)
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        proto = try c.decodeIfPresent(Int.self, forKey: .proto) ?? 0
        host = try c.decodeIfPresent(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        headers = try c.decodeIfPresent(Bool.self, forKey: .headers) ?? false
        maxPayload = try c.decodeIfPresent(Int.self, forKey: .maxPayload) ?? 1_048_576
        clientID = try c.decodeIfPresent(UInt64.self, forKey: .clientID)
        authRequired = try c.decodeIfPresent(Bool.self, forKey: .authRequired) ?? false
        tlsRequired = try c.decodeIfPresent(Bool.self, forKey: .tlsRequired) ?? false
        tlsAvailable = try c.decodeIfPresent(Bool.self, forKey: .tlsAvailable) ?? false
        connectURLs = try c.decodeIfPresent([String].self, forKey: .connectURLs) ?? []
        lameDuckMode = try c.decodeIfPresent(Bool.self, forKey: .lameDuckMode) ?? false
        nonce = try c.decodeIfPresent(String.self, forKey: .nonce)
        jetStream = try c.decodeIfPresent(Bool.self, forKey: .jetStream) ?? false
        cluster = try c.decodeIfPresent(String.self, forKey: .cluster)
    }

    /// Reads the JSON of an INFO line.
    public init(json: some Collection<UInt8>) throws(NATSProtocolError) {
        do {
            self = try JSONDecoder().decode(ServerInfo.self, from: Data(json))
        } catch {
            throw NATSProtocolError(.invalidInfo, "\(error)")
        }
    }
}

import NATSWire
import Testing

@testable import NATSClient

/// What CONNECT carries: a server URL's credentials win over the options' (nats.go's order).
@Suite struct ConnectionSecurityTests {
    @Test func aURLsCredentialsWinOverTheOptions() throws {
        var options = NATSOptions(servers: ["nats://u:p@h:4222", "nats://h:4223"])
        (options.user, options.password, options.token) = ("env-user", "env-pw", "env-token")
        options.nkeySeed = NKeyPair(random: .user).seed
        let security = try ConnectionSecurity(options)
        let info = try ServerInfo(json: Array(#"{"server_id":"S","nonce":"abc"}"#.utf8))

        let fromURL = security.connectInfo(info, try #require(ServerAddress("nats://u:p@h:4222")), tls: false)
        #expect(fromURL.user == "u" && fromURL.pass == "p", "\(fromURL)")
        #expect(fromURL.authToken == nil && fromURL.nkey == nil && fromURL.sig == nil, "nothing of the options goes along")
        let tokenURL = security.connectInfo(info, try #require(ServerAddress("nats://s3cret@h:4222")), tls: false)
        #expect(tokenURL.authToken == "s3cret" && tokenURL.user == nil && tokenURL.nkey == nil)

        let fromOptions = security.connectInfo(info, try #require(ServerAddress("nats://h:4223")), tls: false)
        #expect(fromOptions.user == "env-user" && fromOptions.pass == "env-pw" && fromOptions.authToken == "env-token")
        #expect(fromOptions.nkey != nil && fromOptions.sig != nil, "the NKey signs the nonce")
    }
}

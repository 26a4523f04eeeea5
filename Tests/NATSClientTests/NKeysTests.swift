import Foundation
import Testing

@testable import NATSClient

/// NKey encoding and signing, checked against vectors from the Python `nkeys` package (an
/// independent implementation): `nkeys.from_seed(seed).public_key` and `.sign(b"nonce123")`.
@Suite struct NKeysTests {
    static let seed = "SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU"
    static let publicKey = "UCK5N7N66OBOINFXAYC2ACJQYFSOD4VYNU6APEJTAVFZB2SVHLKGEW7L"
    static let nonceSignature = "nYaMmfhsMprzU9BzrkuvYbtZAbSkYGABfIj4vED9Mrye_RRPge3cgxZ6WfgStIszgPOkIwIT0C5OxBQ-MbKiCw"

    @Test func aSeedGivesItsPublicKeyAndSignature() throws {
        let pair = try NKeyPair(seed: Self.seed)
        #expect(pair.role == .user)
        #expect(pair.publicKey == Self.publicKey)
        #expect(pair.seed == Self.seed)
        #expect(pair.signNonce("nonce123") == Self.nonceSignature, "Ed25519 is deterministic")
    }

    @Test func newPairsRoundTripThroughTheirSeed() throws {
        for role in [NKeyPair.Role.user, .account, .operator] {
            let pair = NKeyPair(random: role)
            let again = try NKeyPair(seed: pair.seed)
            #expect(again.publicKey == pair.publicKey && again.role == role)
            #expect(pair.seed.hasPrefix("S") && pair.publicKey.count == 56)
        }
        #expect(NKeyPair(random: .account).publicKey.hasPrefix("A"))
        #expect(NKeyPair(random: .operator).publicKey.hasPrefix("O"))
    }

    @Test func badSeedsAreRefusedWithoutShowingThem() {
        var flipped = Array(Self.seed)
        flipped[20] = flipped[20] == "A" ? "B" : "A"
        let cases = [
            String(flipped): "checksum",
            Self.publicKey: "public key, not a seed",
            "SUAM-not-base32": "encoding",
            "": "encoding",
        ]
        for (seed, expected) in cases {
            #expect {
                _ = try NKeyPair(seed: seed)
            } throws: { error in
                let error = error as? NATSClientError
                return error?.code == .invalidCredentials && error!.message.contains(expected)
                    && (seed.isEmpty || !error!.message.contains(seed))
            }
        }
    }

    @Test func crcAndBase32MatchTheirStandards() {
        #expect(CRC16.xmodem(Array("123456789".utf8)) == 0x31C3)
        // RFC 4648 §10 test vectors, without padding.
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw6") == nil, "lower case is not the NKey alphabet")
        #expect(Base64URL.encode(Data([0xFB, 0xFF])) == "-_8")
    }

    @Test func credsFilesGiveTheirJWTAndSeed() throws {
        let text = """
            -----BEGIN NATS USER JWT-----
            eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVQ0sifQ.c2ln
            ------END NATS USER JWT------

            ************************* IMPORTANT *************************
            NKEY Seed printed below can be used to sign and prove identity.

            -----BEGIN USER NKEY SEED-----
            \(Self.seed)
            ------END USER NKEY SEED------

            *************************************************************
            """
        let credentials = try NATSCredentials(text: text)
        #expect(credentials.jwt == "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVQ0sifQ.c2ln")
        #expect(credentials.keyPair.publicKey == Self.publicKey)
        #expect(throws: NATSClientError.self) { try NATSCredentials(text: "just text") }
        #expect(throws: NATSClientError.self) { try NATSCredentials(contentsOf: "/nonexistent/user.creds") }
    }

    @Test func optionsNeverPrintTheirSecrets() {
        var options = NATSOptions(servers: ["nats://alice:s3cret@127.0.0.1:4222"])
        options.password = "hunter2"
        options.token = "tok-123"
        options.nkeySeed = Self.seed
        let shown = "\(options) \(String(reflecting: options))"
        for secret in ["s3cret", "hunter2", "tok-123", Self.seed] { #expect(!shown.contains(secret)) }
        #expect(shown.contains("127.0.0.1:4222"))
    }
}

import EventBooking
import Testing

@Suite struct PasswordHasherTests {
    @Test func aHashVerifiesItsPasswordOnly() async throws {
        let hasher = PasswordHasher()
        let stored = try await hasher.hash("correct horse battery")
        let parts = stored.split(separator: "$")
        #expect(parts.count == 4 && parts[0] == "pbkdf2-sha256" && parts[1] == "210000", "\(stored)")
        #expect(try await hasher.verify("correct horse battery", against: stored))
        #expect(try await !hasher.verify("correct horse batterY", against: stored))
        #expect(try await hasher.hash("correct horse battery") != stored, "every hash has its own salt")
    }

    @Test func aHashKeepsItsIterationCountWhenTheDefaultChanges() async throws {
        let stored = try await PasswordHasher(iterations: 1_000).hash("password")
        #expect(try await PasswordHasher(iterations: 5_000).verify("password", against: stored))
    }

    @Test func storedFormsItCannotReadNeverMatch() async throws {
        let hasher = PasswordHasher(iterations: 1_000)
        let unreadable = [
            "", "password", "bcrypt$10$x$y", "pbkdf2-sha256$0$AAAA$AAAA", "pbkdf2-sha256$1000$!!$AAAA", "pbkdf2-sha256$1000$AAAA$AAAA",
        ]
        for stored in unreadable {
            #expect(try await !hasher.verify("password", against: stored), "\(stored)")
        }
    }
}

import Testing

@testable import NATSClient

@Suite struct RequestMuxTests {
    @Test func repliesFindTheirRequestOnce() {
        var mux = RequestMux(prefix: "_INBOX.abc.")
        #expect(mux.subscription == "_INBOX.abc.*")
        let first = mux.register(), second = mux.register()
        #expect(first.replyTo != second.replyTo && first.replyTo.hasPrefix("_INBOX.abc."))
        #expect(mux.resolve(second.replyTo) == second.id)
        #expect(mux.resolve(second.replyTo) == nil, "a second reply finds nothing")
        #expect(mux.resolve("_INBOX.other.1") == nil && mux.resolve("elsewhere") == nil)
        mux.cancel(first.id)
        #expect(mux.resolve(first.replyTo) == nil)
        let third = mux.register(), fourth = mux.register()
        #expect(mux.removeAll() == [third.id, fourth.id])
        #expect(mux.count == 0)
    }

    @Test func nuidsAreUniqueBase62Tokens() {
        var nuid = NUID()
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let token = nuid.next()
            #expect(token.count == 22 && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            seen.insert(token)
        }
        #expect(seen.count == 10_000)
        var other = NUID()
        #expect(other.next().prefix(12) != nuid.next().prefix(12), "each generator has its own random prefix")
    }
}

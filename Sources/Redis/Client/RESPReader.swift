import CHiredis

/// hiredis' RESP reader (`redisReader`), owned by one channel handler: bytes in, replies out.
/// It buffers partial replies itself. Not Sendable: one owner frees it in `deinit`.
final class RESPReader {
    private let reader: UnsafeMutablePointer<redisReader>

    init() {
        guard let reader = redisReaderCreate() else { fatalError("hiredis could not allocate a reader") }
        self.reader = reader
    }

    deinit { redisReaderFree(reader) }

    func feed(_ bytes: UnsafeRawBufferPointer) throws(RedisError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count) == REDIS_OK else {
            throw RedisError(.protocolError, errorText)
        }
    }

    /// The next complete reply, or nil until more bytes come.
    func next() throws(RedisError) -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw RedisError(.protocolError, errorText) }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return RedisReply(hiredis: UnsafePointer(raw.assumingMemoryBound(to: redisReply.self)))
    }

    private var errorText: String {
        withUnsafeBytes(of: reader.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

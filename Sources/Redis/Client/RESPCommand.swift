import CHiredis
import NIOCore

/// Commands in RESP, formatted by hiredis (`redisFormatCommandArgv`).
enum RESPCommand {
    /// The RESP bytes of one command.
    /// - Throws: `RedisError` `.invalidArgument` for an empty command.
    static func format(_ arguments: [RedisArgument], allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(RedisError) -> ByteBuffer {
        guard !arguments.isEmpty else { throw RedisError(.invalidArgument, "a command needs at least its name") }
        // All arguments in one contiguous array; hiredis reads them through argv/argvlen.
        var storage: [UInt8] = []
        storage.reserveCapacity(arguments.count * 16)
        var ranges: [(offset: Int, length: Int)] = []
        ranges.reserveCapacity(arguments.count)
        for argument in arguments {
            let start = storage.count
            argument.append(to: &storage)
            ranges.append((start, storage.count - start))
        }
        storage.append(0)  // never empty, so its base address is never nil

        let argv = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: arguments.count)
        defer { argv.deallocate() }
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: arguments.count)
        defer { lengths.deallocate() }
        let formatted: ByteBuffer? = storage.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            for (index, range) in ranges.enumerated() {
                argv[index] = UnsafePointer(base + range.offset)
                lengths[index] = range.length
            }
            var target: UnsafeMutablePointer<CChar>?
            let length = redisFormatCommandArgv(&target, Int32(arguments.count), argv, lengths)
            guard length >= 0, let target else { return nil }
            defer { redisFreeCommand(target) }
            var buffer = allocator.buffer(capacity: Int(length))
            buffer.writeBytes(UnsafeRawBufferPointer(start: target, count: Int(length)))
            return buffer
        }
        guard let formatted else { throw RedisError(.invalidArgument, "hiredis could not format the command (out of memory)") }
        return formatted
    }
}

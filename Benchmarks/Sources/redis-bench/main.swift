// redis-bench: Switchboard's Redis client, locks and breaker under the peers' workloads
// (shared/peers/README.md, "Redis lock"), printing one JSON line per run in the peers' format.
//
//   redis-bench --port P --bench lock|lock-manager|get|set|breaker [-c concurrency] [-d seconds]
//               [-n operations (get/set)] [--pool connections] [--max cycles]
//
// lock          SET bench:swlock:<w> <token> NX PX 30000, then EVALSHA compare-and-delete (== 1);
//               one cycle = both round trips, as c/redislock.c and redis_lock_bench.py.
// lock-manager  RedisLock.acquire (one script: SET NX PX + fencing INCR) + RedisLock.release.
// set / get     n SET key:<rand> xxx (GET key:<rand>) spread over c tasks, as redis-benchmark -t set,get -d 3.
// breaker       ns per CircuitBreaker.run around an empty call, and the same call without it.
import Foundation
import Redis
import Resilience

struct Arguments {
    var port = 6379
    var bench = "lock"
    var concurrency = 1
    var duration = 10.0
    var operations = 100_000
    var pool = 0
    var max = 5_000_000

    static func number<T: LosslessStringConvertible>(_ text: String, _ flag: String) -> T {
        guard let value = T(text) else { usage("bad value '\(text)' for \(flag)") }
        return value
    }

    init() {
        var iterator = CommandLine.arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { Self.usage("\(flag) needs a value") }
            switch flag {
            case "--port", "-p": port = Self.number(value, flag)
            case "--bench", "-b": bench = value
            case "-c": concurrency = Self.number(value, flag)
            case "-d": duration = Self.number(value, flag)
            case "-n": operations = Self.number(value, flag)
            case "--pool": pool = Self.number(value, flag)
            case "--max": max = Self.number(value, flag)
            default: Self.usage("unknown flag \(flag)")
            }
        }
    }

    static func usage(_ message: String) -> Never {
        FileHandle.standardError.write(Data("redis-bench: \(message)\n".utf8))
        exit(2)
    }
}

/// Latencies of one worker, in nanoseconds.
final class Recorder: @unchecked Sendable {
    var latencies: [Double] = []
    var errors = 0
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let index = min(max(Int((p * Double(sorted.count)).rounded(.toNearestOrAwayFromZero)) - 1, 0), sorted.count - 1)
    return sorted[index] / 1000
}

func report(_ bench: String, _ arguments: Arguments, recorders: [Recorder], seconds: Double, commandsPerOp: Int, unit: String = "cycles") {
    let all = recorders.flatMap(\.latencies).sorted()
    let rate = Double(all.count) / seconds
    let row: [String: Any] = [
        "impl": "swift-switchboard-redis", "bench": bench, "concurrency": arguments.concurrency,
        "connections": arguments.pool, unit: all.count, "errors": recorders.reduce(0) { $0 + $1.errors }, "seconds": seconds,
        "\(unit)_per_s": rate, "redis_cmds_per_s": rate * Double(commandsPerOp),
        "p50_us": percentile(all, 0.5), "p99_us": percentile(all, 0.99), "max_us": percentile(all, 1.0),
    ]
    let data = try! JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func nanoseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
}

/// Runs `body(worker, iteration)` on `concurrency` tasks until the deadline or `limit` in all.
func timed(_ arguments: Arguments, limit: Int, _ body: @escaping @Sendable (Int, Int) async throws -> Bool) async -> ([Recorder], Double) {
    let recorders = (0..<arguments.concurrency).map { _ in Recorder() }
    let started = ContinuousClock.now
    let deadline = started + .milliseconds(Int(arguments.duration * 1000))
    let perWorker = max(1, limit / arguments.concurrency)
    await withTaskGroup(of: Void.self) { group in
        for worker in 0..<arguments.concurrency {
            let recorder = recorders[worker]
            group.addTask {
                recorder.latencies.reserveCapacity(min(perWorker, 1_000_000))
                for iteration in 0..<perWorker {
                    let begin = ContinuousClock.now
                    if begin >= deadline { break }
                    let ok = (try? await body(worker, iteration)) ?? false
                    if ok { recorder.latencies.append(nanoseconds(ContinuousClock.now - begin)) } else { recorder.errors += 1 }
                }
            }
        }
    }
    return (recorders, nanoseconds(ContinuousClock.now - started) / 1e9)
}

let releaseScript = RedisScript("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end")

func run() async throws {
    var arguments = Arguments()
    if arguments.bench == "breaker" { return try await breakerOverhead() }
    if arguments.pool == 0 { arguments.pool = min(arguments.concurrency, 4) }
    let redis = RedisClient(options: RedisOptions(port: arguments.port, poolSize: arguments.pool))
    try await redis.ping()
    try await redis.load(releaseScript)
    let c = arguments.concurrency
    switch arguments.bench {
    case "lock":
        let (recorders, seconds) = await timed(arguments, limit: arguments.max) { worker, iteration in
            let key = "bench:swlock:\(worker)", token = "\(worker)-\(iteration)"
            guard try await redis.set(key, to: token, condition: .ifNotExists, expiration: .milliseconds(30_000)) else { return false }
            return try await redis.evalSHA(releaseScript, keys: [key], arguments: [RedisArgument(token)]) == .integer(1)
        }
        report("lock_cycle_c\(c)", arguments, recorders: recorders, seconds: seconds, commandsPerOp: 2)
    case "lock-manager":
        let lock = RedisLock(redis)
        let (recorders, seconds) = await timed(arguments, limit: arguments.max) { worker, _ in
            guard let lease = try await lock.tryAcquire("bench:\(worker)", ttl: .seconds(30)) else { return false }
            return try await lock.release(lease)
        }
        report("lock_manager_cycle_c\(c)", arguments, recorders: recorders, seconds: seconds, commandsPerOp: 2)
    case "set", "get":
        arguments.duration = 600
        let isSet = arguments.bench == "set"
        let (recorders, seconds) = await timed(arguments, limit: arguments.operations) { _, _ in
            let key = "key:\(Int.random(in: 0..<100_000))"
            if isSet { return try await redis.set(key, to: "xxx") }
            _ = try await redis.getBuffer(key)
            return true
        }
        report("\(arguments.bench)_c\(c)", arguments, recorders: recorders, seconds: seconds, commandsPerOp: 1, unit: "ops")
    default:
        Arguments.usage("unknown bench \(arguments.bench)")
    }
}

/// The breaker's bookkeeping per call (two short critical sections), against the bare call.
func breakerOverhead() async throws {
    let breaker = CircuitBreaker(name: "bench")
    let iterations = 2_000_000
    var sink = 0
    @inline(never) func call(_ value: Int) async throws -> Int { value &+ 1 }
    for index in 0..<10_000 { sink &+= try await breaker.run { try await call(index) } }
    let bare = ContinuousClock.now
    for index in 0..<iterations { sink &+= try await call(index) }
    let bareSeconds = nanoseconds(ContinuousClock.now - bare) / 1e9
    let guarded = ContinuousClock.now
    for index in 0..<iterations { sink &+= try await breaker.run { try await call(index) } }
    let guardedSeconds = nanoseconds(ContinuousClock.now - guarded) / 1e9
    let row: [String: Any] = [
        "impl": "swift-switchboard-resilience", "bench": "breaker_run_overhead", "n": iterations,
        "bare_ns_per_call": bareSeconds / Double(iterations) * 1e9, "breaker_ns_per_call": guardedSeconds / Double(iterations) * 1e9,
        "overhead_ns_per_call": (guardedSeconds - bareSeconds) / Double(iterations) * 1e9, "sink": sink % 2,
    ]
    let data = try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

do {
    try await run()
    exit(0)
} catch {
    FileHandle.standardError.write(Data("redis-bench: \(error)\n".utf8))
    exit(1)
}

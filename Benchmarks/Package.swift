// swift-tools-version:6.1
// Benchmarks of Switchboard's generated validators, kept out of the root package so that
// `swift build` / `swift test` there never compile them. Run them with `make bench`
// (scripts/bench.sh), which builds this package in release mode.
import PackageDescription

let package = Package(
    name: "switchboard-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "switchboard", path: ".."),
        // The root's own requirements, for the gateway benchmark's service group and logging.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "validation-bench",
            dependencies: [
                .product(name: "GeneratedSchemas", package: "switchboard"),
                .product(name: "MessagingRuntime", package: "switchboard"),
            ]
        ),
        // The Redis client, locks and breaker beside C hiredis, redis-py and redis-benchmark (scripts/bench-redis.sh).
        .executableTarget(name: "redis-bench", dependencies: [.product(name: "Redis", package: "switchboard")]),
        // The gateway workload beside the peers' Go net/http and FastAPI gateways (scripts/bench-gateway.sh):
        // `gateway-bench gateway` (the generated auth routes) and `gateway-bench responder` (a service host
        // serving a storage-free Auth.Handler).
        .executableTarget(
            name: "gateway-bench",
            dependencies: [
                .product(name: "Gateway", package: "switchboard"), .product(name: "ServiceHost", package: "switchboard"),
                .product(name: "GeneratedSchemas", package: "switchboard"), .product(name: "MessagingRuntime", package: "switchboard"),
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

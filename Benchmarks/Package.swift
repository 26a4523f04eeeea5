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
    ]
)

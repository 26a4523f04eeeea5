import Foundation

/// Why a test server could not be had.
struct TestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The path of a Debian package's server binary (`nats-server`, `redis-server`): the first of the
/// usual folders that has it.
func serverExecutable(_ name: String) -> String {
    for folder in ["/usr/sbin", "/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
        return "\(folder)/\(name)"
    }
    return "/usr/bin/\(name)"
}

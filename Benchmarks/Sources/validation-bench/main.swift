// validation-bench: decode + validate throughput of Switchboard's generated validators, with the
// workload of the peers' pydantic benchmark (shared/peers/README.md, "Validation"): JSON bytes in,
// one thread, `min(n, 10_000)` warm-up calls, then `n` timed calls (200,000 by default).
//
// Cases (the names match shared/peers/py/pydantic_bench.py and Benchmarks/peers/pydantic_booking.py):
//   validate_json_valid / _invalid          Auth.RegisterRequest, the peers' two payloads
//   validate_json_valid+dump_json           valid, then back to JSON bytes with the generated writer
//                                           (`jsonBytes()`, the peer of pydantic's model_dump_json)
//   booking_validate_json_valid / _invalid  Bookings.CreateBookingRequest
//   booking_validate_json_valid+dump_json
//
// Every case is checked once before it is timed (valid payloads validate, with the expected
// values; invalid ones give exactly the expected issues; written output validates back to the
// same value and is, as JSON, what JSONEncoder writes), so a broken validator or writer cannot look fast. Prints one JSON line per case, in the
// shape pydantic_bench.py prints.
//
// Usage: validation-bench [-n N] [--only CASE[,CASE...]] [--check-only]

import Foundation
import GeneratedSchemas
import MessagingRuntime

// MARK: - Payloads (byte-identical to the Python side)

enum Payloads {
    /// shared/peers/README.md: the gateway's and the validation benchmark's RegisterRequest.
    static let registerValid = Array(
        #"{"email":"alice@example.com","password":"correct horse battery","role":"organizer"}"#.utf8)
    /// shared/peers/README.md: "invalid payload ... (3 issues)".
    static let registerInvalid = Array(#"{"email":"not-an-email","password":"short","role":"root"}"#.utf8)
    static let registerInvalidIssues: [(path: String, code: String)] = [
        ("email", "invalid_format"), ("password", "too_small"), ("role", "invalid_value"),
    ]

    /// Three seats, a card payment (a tagged union), notes and a metadata map: every field present.
    static let bookingValid = Array(
        #"{"eventId":"3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d","seats":[{"row":"A","number":12},{"row":"A","number":13},{"row":"BC","number":7}],"payment":{"method":"card","token":"tok_visa_4242abcd","last4":"4242"},"notes":"Aisle seats if possible","metadata":{"source":"web","campaign":"spring-sale"}}"#
            .utf8)
    /// Six issues, one per broken rule, the same six in pydantic.
    static let bookingInvalid = Array(
        #"{"eventId":"not-a-uuid","seats":[{"row":"a1","number":0},{"row":"B","number":501}],"payment":{"method":"card","token":"short","last4":"42x"}}"#
            .utf8)
    static let bookingInvalidIssues: [(path: String, code: String)] = [
        ("eventId", "invalid_format"),
        ("seats[0].row", "invalid_format"), ("seats[0].number", "too_small"), ("seats[1].number", "too_big"),
        ("payment.token", "too_small"), ("payment.last4", "invalid_format"),
    ]
}

// MARK: - Harness

/// Keeps a value alive so the optimizer cannot drop the work that produced it.
@inline(never) @_optimize(none)
func blackHole<T>(_ value: T) {}

struct Options {
    var iterations = 200_000
    var only: String?
    var checkOnly = false

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "-n":
                guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { Self.usage() }
                iterations = value
            case "--only":
                guard let value = rest.popFirst() else { Self.usage() }
                only = value
            case "--check-only": checkOnly = true
            case "-h", "--help":
                print("usage: validation-bench [-n N] [--only CASE[,CASE...]] [--check-only]")
                exit(0)
            default: Self.usage()
            }
        }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: validation-bench [-n N] [--only CASE[,CASE...]] [--check-only]\n".utf8))
        exit(2)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("validation-bench: CHECK FAILED: \(message)\n".utf8))
    exit(1)
}

/// Python's `json.dumps` of a string: the bench names and impl are plain ASCII.
func jsonString(_ text: String) -> String { "\"\(text)\"" }

/// Python's `repr(float)`, which `json.dumps` uses: shortest round-trip digits. Swift's
/// description prints the same digits (it differs only in exponent spelling, which these
/// magnitudes never reach).
func jsonNumber(_ value: Double) -> String { "\(value)" }

let impl: String = {
    #if compiler(>=6.3)
    let compiler = "6.3"
    #elseif compiler(>=6.2)
    let compiler = "6.2"
    #else
    let compiler = "6.x"
    #endif
    return "switchboard/swift-\(compiler)"
}()

/// Runs `body` `min(n, 10_000)` times, then `n` times on the clock, and prints one JSON line.
func bench(_ name: String, _ options: Options, _ body: () -> Int) {
    if let only = options.only, !only.split(separator: ",").contains(Substring(name)) { return }
    let n = options.iterations
    var sink = 0
    for _ in 0..<min(n, 10_000) { sink &+= body() }
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<n { sink &+= body() }
    let elapsed = start.duration(to: clock.now)
    blackHole(sink)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let line =
        "{\"impl\": \(jsonString(impl)), \"bench\": \(jsonString(name)), \"n\": \(n), "
            + "\"seconds\": \(jsonNumber(seconds)), \"ops_per_s\": \(jsonNumber(Double(n) / seconds)), "
            + "\"ns_per_op\": \(jsonNumber(seconds / Double(n) * 1e9))}\n"
    FileHandle.standardOutput.write(Data(line.utf8))
}

// MARK: - Checks before timing

func expectIssues<T>(_ result: Result<T, ValidationError>, _ expected: [(path: String, code: String)], _ what: String) {
    guard case .failure(let error) = result else { fail("\(what) validated") }
    let got = error.issues.map { ($0.path.description, $0.code.rawValue) }
    guard got.count == expected.count, zip(got, expected).allSatisfy({ $0.0 == $1.path && $0.1 == $1.code }) else {
        fail("\(what): expected \(expected.count) issues \(expected), got \(got.count): \(error.issues)")
    }
}

func checkRegister(_ encoder: JSONEncoder) {
    guard case .success(let request) = Auth.RegisterRequest.validate(json: Payloads.registerValid) else {
        fail("valid RegisterRequest: \(Auth.RegisterRequest.validate(json: Payloads.registerValid))")
    }
    guard request.email == "alice@example.com", request.password == "correct horse battery",
        request.role == .organizer, request.displayName == nil, request.tags == nil
    else { fail("valid RegisterRequest decoded wrongly: \(request)") }
    expectIssues(Auth.RegisterRequest.validate(json: Payloads.registerInvalid), Payloads.registerInvalidIssues,
                 "invalid RegisterRequest")
    guard let data = try? encoder.encode(request),
        case .success(let back) = Auth.RegisterRequest.validate(json: data), back == request
    else { fail("RegisterRequest does not survive JSONEncoder and validation") }
    checkWriter(request, data)
}

/// The generated writer's output validates back to the same value and equals JSONEncoder's as JSON.
func checkWriter<T: MessagingRuntime.Message>(_ value: T, _ encoded: Data) {
    let written = value.jsonBytes()
    guard case .success(let back) = T.validate(json: written), back == value,
        let fromWriter = try? JSONValue(parsing: written), let fromEncoder = try? JSONValue(parsing: encoded),
        fromWriter.isJSONEqual(to: fromEncoder)
    else { fail("\(T.self): the generated writer wrote \(String(decoding: written, as: UTF8.self))") }
}

func checkBooking(_ encoder: JSONEncoder) {
    guard case .success(let booking) = Bookings.CreateBookingRequest.validate(json: Payloads.bookingValid) else {
        fail("valid CreateBookingRequest: \(Bookings.CreateBookingRequest.validate(json: Payloads.bookingValid))")
    }
    guard booking.eventId == UUID(uuidString: "3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d"),
        booking.seats.map(\.row) == ["A", "A", "BC"], booking.seats.map(\.number) == [12, 13, 7],
        case .card(let card) = booking.payment, card.token == "tok_visa_4242abcd", card.last4 == "4242",
        booking.notes == "Aisle seats if possible",
        booking.metadata == ["source": "web", "campaign": "spring-sale"]
    else { fail("valid CreateBookingRequest decoded wrongly: \(booking)") }
    expectIssues(Bookings.CreateBookingRequest.validate(json: Payloads.bookingInvalid), Payloads.bookingInvalidIssues,
                 "invalid CreateBookingRequest")
    guard let data = try? encoder.encode(booking),
        case .success(let back) = Bookings.CreateBookingRequest.validate(json: data), back == booking
    else { fail("CreateBookingRequest does not survive JSONEncoder and validation") }
    checkWriter(booking, data)
}

// MARK: - Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
let encoder = JSONEncoder()  // one encoder, reused, as a service would keep it
checkRegister(encoder)
checkBooking(encoder)
FileHandle.standardError.write(Data(
    ("validation-bench: checks passed (RegisterRequest invalid: \(Payloads.registerInvalidIssues.count) issues, "
        + "CreateBookingRequest invalid: \(Payloads.bookingInvalidIssues.count) issues)\n").utf8))
if options.checkOnly { exit(0) }

bench("validate_json_valid", options) {
    guard case .success(let request) = Auth.RegisterRequest.validate(json: Payloads.registerValid) else {
        fail("valid RegisterRequest")
    }
    return request.email.utf8.count
}
bench("validate_json_invalid", options) {
    guard case .failure(let error) = Auth.RegisterRequest.validate(json: Payloads.registerInvalid) else {
        fail("invalid RegisterRequest")
    }
    return error.issues.count
}
bench("validate_json_valid+dump_json", options) {
    guard case .success(let request) = Auth.RegisterRequest.validate(json: Payloads.registerValid) else {
        fail("RegisterRequest round trip")
    }
    return request.jsonBytes().count
}
bench("booking_validate_json_valid", options) {
    guard case .success(let booking) = Bookings.CreateBookingRequest.validate(json: Payloads.bookingValid) else {
        fail("valid CreateBookingRequest")
    }
    return booking.seats.count
}
bench("booking_validate_json_invalid", options) {
    guard case .failure(let error) = Bookings.CreateBookingRequest.validate(json: Payloads.bookingInvalid) else {
        fail("invalid CreateBookingRequest")
    }
    return error.issues.count
}
bench("booking_validate_json_valid+dump_json", options) {
    guard case .success(let booking) = Bookings.CreateBookingRequest.validate(json: Payloads.bookingValid) else {
        fail("CreateBookingRequest round trip")
    }
    return booking.jsonBytes().count
}

import SchemaCodeGen
import Testing

/// Small schemas, and the pieces of generated Swift they must produce.
@Suite struct SnippetTests {
    @Test func enumValuesBecomeSwiftCases() async throws {
        let files = try await Support.generate([("shop.yaml", """
            namespace: shop
            enums:
              State: [in-progress, DONE, 2fa, default, done]
            """)])
        let messages = try #require(files["Shop+Messages.swift"])
        #expect(messages.contains("public enum State: String, Codable, Hashable, Sendable, CaseIterable {"))
        #expect(messages.contains("case inProgress = \"in-progress\""))
        #expect(messages.contains("case done = \"DONE\""))
        #expect(messages.contains("case done2"))
        #expect(messages.contains("case _2fa = \"2fa\""))
        #expect(messages.contains("case `default`"))
    }

    @Test func keywordFieldNamesAreBackTicked() async throws {
        let files = try await Support.generate([("shop.yaml", """
            namespace: shop
            messages:
              Order:
                fields:
                  default: string
                  in: { type: int, optional: true }
            """)])
        let messages = try #require(files["Shop+Messages.swift"])
        #expect(messages.contains("public var `default`: String"))
        #expect(messages.contains("public var `in`: Int?"))
        #expect(messages.contains("self.`default` = try container.decode(String.self, forKey: .`default`)"))
        let validation = try #require(files["Shop+Validation.swift"])
        #expect(validation.contains(#"static let fieldNames: MessagingRuntime.FieldNames = ["default", "in"]"#))
        #expect(validation.contains("case 0?: defaultJSON = member.value"))
    }

    @Test func accessLevelAppliesToEveryDeclaration() async throws {
        let schema = [("shop.yaml", """
            namespace: shop
            messages:
              Order: { fields: { id: uuid } }
            errors:
              Gone: { status: 410, message: Gone. }
            subjects:
              get: { subject: shop.get, kind: request, request: Order, reply: Order }
            """)]
        for level in AccessLevel.allCases {
            let files = try await Support.generate(schema, access: level)
            let text = files.values.joined()
            for other in AccessLevel.allCases where other != level {
                #expect(!text.contains("\n\(other.rawValue) ") && !text.contains("    \(other.rawValue) "), "\(level) output has \(other)")
            }
            #expect(text.contains("\(level.rawValue) struct Order"))
        }
    }

    @Test func largeNamespacesAreSplitIntoSeveralFiles() async throws {
        let messages = (1...90).map { "  M\($0): { fields: { id: int } }" }.joined(separator: "\n")
        let files = try await Support.generate([("big.yaml", "namespace: big\nmessages:\n\(messages)\n")])
        #expect(files.keys.sorted() == [
            "Big+Messages.swift", "Big+Messages2.swift", "Big+Messages3.swift",
            "Big+Validation.swift", "Big+Validation2.swift", "Big+Validation3.swift", "Big.swift",
        ])
        #expect(files["Big+Messages2.swift"]?.contains("struct M41:") == true)
        #expect(files["Big+Messages3.swift"]?.contains("struct M90:") == true)
    }

    @Test func unionsBecomeEnumsWithAssociatedValues() async throws {
        let files = try await Support.generate([("pay.yaml", """
            namespace: pay
            messages:
              Card: { fields: { last4: string } }
              Cash: { fields: {} }
              Payment:
                discriminator: kind
                oneOf: { card: Card, cash: Cash }
            """)])
        let messages = try #require(files["Pay+Messages.swift"])
        #expect(messages.contains("case card(Pay.Card)"))
        #expect(messages.contains("case cash(Pay.Cash)"))
        #expect(messages.contains("case discriminator = \"kind\""))
        let validation = try #require(files["Pay+Validation.swift"])
        #expect(validation.contains("Pay.Card.validate(tape, object: object, at: path(), discriminator: \"kind\", &issues).map(Self.card)"))
    }

    @Test func subjectTokensAndLockKeysBindRequestFields() async throws {
        let files = try await Support.generate([("shop.yaml", """
            namespace: shop
            messages:
              Ship: { fields: { orderId: uuid, warehouse: string } }
            subjects:
              ship:
                subject: "shop.{warehouse}.orders.{orderId}.ship"
                kind: request
                request: Ship
                reply: Ship
                timeout: 250ms
                queue: shippers
                lock: "ship:{orderId}"
                http: { method: post, path: "/orders/{orderId}/ship", auth: [clerk] }
            """)])
        let subjects = try #require(files["Shop+Subjects.swift"])
        #expect(subjects.contains(#"subscription: "shop.*.orders.*.ship","#))
        #expect(subjects.contains(#"subject: { "shop.\(MessagingRuntime.SubjectToken.encode($0.warehouse)).orders.\(MessagingRuntime.SubjectToken.encode($0.orderId)).ship" },"#))
        #expect(subjects.contains("timeout: .milliseconds(250),"))
        #expect(subjects.contains(#"queue: "shippers","#))
        #expect(subjects.contains(#"lockKey: { "ship:\(MessagingRuntime.SubjectToken.encode($0.orderId))" },"#))
        #expect(subjects.contains(#"HTTPMapping(method: "POST", path: "/orders/{orderId}/ship", pathParameters: ["orderId"], status: 201, auth: .roles(["clerk"]))"#))
    }

    @Test func handlerProtocolsAndRegistrations() async throws {
        let files = try await Support.generate([("shop.yaml", """
            namespace: shop
            messages:
              Ship: { fields: { orderId: uuid } }
            errors: { Gone: { status: 410, message: Gone. } }
            subjects:
              ship: { subject: shop.ship, kind: request, request: Ship, reply: Ship, errors: [Gone], http: { method: POST, path: /ship } }
              quiet: { subject: shop.quiet, kind: request, request: Ship, reply: Ship }
              shipped: { subject: shop.shipped, kind: event, message: Ship }
            """), ("news.yaml", """
            namespace: news
            messages: { Item: { fields: {} } }
            subjects: { posted: { subject: news.posted, kind: event, message: Item } }
            """)])
        let service = try #require(files["Shop+Service.swift"])
        #expect(service.contains("public protocol Handler: Sendable {"))
        #expect(service.contains("func ship(_ request: Shop.Ship, context: MessagingRuntime.HandlerContext) async throws -> Shop.Ship"))
        #expect(service.contains("/// - Throws: `Shop.ErrorCode.gone`"))
        #expect(service.contains("registrar.handle(Subjects.quiet) { request, context in try await handler.quiet(request, context: context) }"))
        #expect(service.contains("registrar.route(Subjects.ship)"))
        #expect(!service.contains("registrar.route(Subjects.quiet)"), "no http: no route")
        #expect(!service.contains("shipped"), "events are published, not answered")
        #expect(files["News+Service.swift"] == nil, "a namespace that answers nothing has no handler protocol")
    }

    @Test func serveDeclaresTheEventsThatGoToAStream() async throws {
        let files = try await Support.generate([("shop.yaml", """
            namespace: shop
            messages:
              Ship: { fields: { orderId: uuid } }
            subjects:
              ship: { subject: shop.ship, kind: request, request: Ship, reply: Ship }
              shipped: { subject: "shop.{orderId}.shipped", kind: event, message: Ship, stream: SHOP }
              noticed: { subject: shop.noticed, kind: event, message: Ship }
            """)])
        let service = try #require(files["Shop+Service.swift"])
        #expect(service.contains("        registrar.publishes(Subjects.shipped)\n    }"))
        #expect(!service.contains("Subjects.noticed"), "an event without a stream has nothing to make")
        #expect(service.contains("/// the namespace that go to a stream (the host makes the stream)."))
    }

    @Test func descriptionsBecomeDocCommentsWithSchemaPointers() async throws {
        let files = try await Support.generate([("shop.yaml", """
            namespace: shop
            description: The shop.
            messages:
              Order:
                description: |
                  An order.
                  Two lines.
                fields:
                  id: { type: uuid, description: Its id., deprecated: true }
            """)])
        let messages = try #require(files["Shop+Messages.swift"])
        #expect(messages.contains("""
                /// An order.
                /// Two lines.
                ///
                /// - Remark: Generated from `shop.yaml#/messages/Order`.
            """))
        #expect(messages.contains("        /// Its id.\n        ///\n        /// - Warning: Deprecated."))
        #expect(files["Shop.swift"]?.contains("/// The shop.") == true)
    }
}

import Mustache
import Testing

@testable import SchemaCodeGen

/// The hand-written key lookups (`ViewModels+Mustache.swift`) must reach every stored property of
/// every view, or a template would silently render nothing for a new property.
@Suite struct MustacheLookupTests {
    @Test func everyStoredPropertyIsReachable() async throws {
        let schema = try Support.compile([("shop.yaml", """
            namespace: shop
            description: A shop.
            enums: { State: [open, closed] }
            messages:
              Item: { description: An item., fields: { id: uuid, secret: { type: string, secret: true } } }
              Other: { fields: {} }
              Either: { discriminator: kind, oneOf: { item: Item, other: Other } }
            errors: { Gone: { status: 410, message: Gone. } }
            subjects:
              get: { subject: shop.get, kind: request, request: Item, reply: Item, lock: "x:{id}", http: { method: GET, path: /items } }
              changed: { subject: shop.changed, kind: event, message: Item }
            """)])
        let views = NamespaceViews(namespace: schema.namespaces[0], schema: schema, access: .public)
        let chunk = try #require(views.messageChunks(size: 40).first)
        let subjects = try #require(views.subjectsView())
        let service = try #require(views.serviceView())
        var values: [Any] = [views.namespaceView(), chunk, subjects, service]
        values += service.handlers as [Any]
        values.append(ScaffoldView(namespace: service.namespace, schemaName: "shop", typeName: "ShopService", handlers: service.handlers))
        values += views.namespaceView().errors as [Any]
        values += chunk.enums as [Any] + chunk.enums.flatMap(\.cases) as [Any]
        values += chunk.records as [Any] + chunk.records.flatMap(\.fields) as [Any]
        values += chunk.unions as [Any] + chunk.unions.flatMap(\.variants) as [Any]
        values += subjects.subjects as [Any]
        #expect(values.count > 12)
        for value in values {
            let parent = try #require(value as? MustacheParent, "\(type(of: value)) is not a MustacheParent")
            for child in Mirror(reflecting: value).children {
                guard let label = child.label else { continue }
                let isNil = Mirror(reflecting: child.value).displayStyle == .optional && Mirror(reflecting: child.value).children.isEmpty
                if isNil { continue }
                #expect(parent.child(named: label) != nil, "\(type(of: value)).\(label) is not reachable from templates")
            }
        }
    }
}

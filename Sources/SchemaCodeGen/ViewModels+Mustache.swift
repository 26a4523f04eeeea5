import Mustache

// Key lookups for the templates without reflection: swift-mustache otherwise reads every key
// through Mirror, which was most of the time of generating a large schema. As with Mirror, a nil
// value makes the lookup go on to the enclosing context, so optional keys have names of their own
// at each level (`typeDoc`, `fieldDoc`). `MustacheLookupTests` checks that every stored property
// is reachable here.

extension NamespaceView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "header": self.header
        case "access": self.access
        case "runtime": self.runtime
        case "name": self.name
        case "schemaName": self.schemaName
        case "namespaceDoc": self.namespaceDoc
        case "version": self.version
        case "messageTypes": self.messageTypes
        case "hasMessages": self.hasMessages
        case "errors": self.errors
        case "hasErrors": self.hasErrors
        default: nil
        }
    }
}

extension ErrorView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "caseName": self.caseName
        case "code": self.code
        case "status": self.status
        case "message": self.message
        case "errorDoc": self.errorDoc
        default: nil
        }
    }
}

extension MessagesView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "header": self.header
        case "access": self.access
        case "runtime": self.runtime
        case "namespace": self.namespace
        case "schemaName": self.schemaName
        case "enums": self.enums
        case "records": self.records
        case "unions": self.unions
        default: nil
        }
    }
}

extension EnumView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": self.name
        case "access": self.access
        case "namespace": self.namespace
        case "runtime": self.runtime
        case "typeDoc": self.typeDoc
        case "cases": self.cases
        default: nil
        }
    }
}

extension EnumView.Case: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": self.name
        case "rawValue": self.rawValue
        default: nil
        }
    }
}

extension RecordView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": self.name
        case "qualified": self.qualified
        case "namespace": self.namespace
        case "access": self.access
        case "runtime": self.runtime
        case "typeDoc": self.typeDoc
        case "deprecated": self.deprecated
        case "messageType": self.messageType
        case "fields": self.fields
        case "rules": self.rules
        case "rejectsUnknown": self.rejectsUnknown
        case "fieldNames": self.fieldNames
        case "guardBindings": self.guardBindings
        case "initArguments": self.initArguments
        case "redactedDescription": self.redactedDescription
        case "hasFields": self.hasFields
        case "hasRules": self.hasRules
        case "hasSecrets": self.hasSecrets
        case "checkBody": self.checkBody
        case "hasChecks": self.hasChecks
        default: nil
        }
    }
}

extension FieldView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "swiftName": self.swiftName
        case "bareName": self.bareName
        case "jsonName": self.jsonName
        case "propertyType": self.propertyType
        case "wrapper": self.wrapper
        case "fieldDoc": self.fieldDoc
        case "initDefault": self.initDefault
        case "codingKeyValue": self.codingKeyValue
        case "decodeLine": self.decodeLine
        case "encodeLine": self.encodeLine
        case "writeLine": self.writeLine
        case "validateBlock": self.validateBlock
        case "position": self.position
        case "secret": self.secret
        case "access": self.access
        default: nil
        }
    }
}

extension UnionView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": self.name
        case "qualified": self.qualified
        case "namespace": self.namespace
        case "access": self.access
        case "runtime": self.runtime
        case "typeDoc": self.typeDoc
        case "messageType": self.messageType
        case "discriminator": self.discriminator
        case "discriminatorLiteral": self.discriminatorLiteral
        case "indirect": self.indirect
        case "tagList": self.tagList
        case "variants": self.variants
        default: nil
        }
    }
}

extension UnionView.Variant: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "caseName": self.caseName
        case "tag": self.tag
        case "type": self.type
        default: nil
        }
    }
}

extension SubjectsView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "header": self.header
        case "access": self.access
        case "runtime": self.runtime
        case "namespace": self.namespace
        case "schemaName": self.schemaName
        case "subjects": self.subjects
        default: nil
        }
    }
}

extension SubjectView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "access": self.access
        case "runtime": self.runtime
        case "swiftName": self.swiftName
        case "subjectDoc": self.subjectDoc
        case "name": self.name
        case "pattern": self.pattern
        case "subscription": self.subscription
        case "subjectClosure": self.subjectClosure
        case "isRequest": self.isRequest
        case "requestType": self.requestType
        case "replyType": self.replyType
        case "timeout": self.timeout
        case "queue": self.queue
        case "hasLock": self.hasLock
        case "lockPattern": self.lockPattern
        case "lockClosure": self.lockClosure
        case "idempotent": self.idempotent
        case "errors": self.errors
        case "http": self.http
        case "messageType": self.messageType
        case "stream": self.stream
        default: nil
        }
    }
}

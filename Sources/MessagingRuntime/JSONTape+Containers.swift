// The containers and keys of a tape: iterating members and elements, finding and matching keys.

extension JSONTape {
    /// The members of an object, in document order (duplicates included).
    @inlinable
    public func members(of object: Index) -> Members { Members(tape: self, object: object) }

    /// The elements of an array, in order.
    @inlinable
    public func elements(of array: Index) -> Elements { Elements(tape: self, array: array) }

    /// One `"key": value` pair of an object: the indexes of the key and of the value.
    public struct Member {
        public let key: Index
        public let value: Index

        @inlinable
        init(key: Index, value: Index) {
            self.key = key
            self.value = value
        }
    }

    public struct Members: Sequence, IteratorProtocol {
        @usableFromInline let tape: JSONTape
        @usableFromInline var position: Index
        @usableFromInline let end: Index

        @inlinable
        init(tape: JSONTape, object: Index) {
            self.tape = tape
            self.position = object + 1
            self.end = tape.after(object)
        }

        /// The members from the entry `start` to the entry `end` of an object.
        @inlinable
        init(tape: JSONTape, from start: Index, to end: Index) {
            self.tape = tape
            self.position = start
            self.end = end
        }

        @inlinable
        public mutating func next() -> Member? {
            guard position < end else { return nil }
            let member = Member(key: position, value: position + 1)
            position = tape.after(position + 1)
            return member
        }
    }

    public struct Elements: Sequence, IteratorProtocol {
        @usableFromInline let tape: JSONTape
        @usableFromInline var position: Index
        @usableFromInline let end: Index

        @inlinable
        init(tape: JSONTape, array: Index) {
            self.tape = tape
            self.position = array + 1
            self.end = tape.after(array)
        }

        @inlinable
        public mutating func next() -> Index? {
            guard position < end else { return nil }
            defer { position = tape.after(position) }
            return position
        }
    }

    /// The value of the last member named `key` (as `JSONObject`'s subscript finds it), or nil.
    public func member(_ object: Index, _ key: String) -> Index? {
        var found: Index?
        for member in members(of: object) where keyEquals(member.key, key) { found = member.value }
        return found
    }

    // MARK: Keys

    /// Whether a key (or string) is `text`, with `String`'s equality.
    public func keyEquals(_ key: Index, _ text: String) -> Bool {
        var text = text
        if isPlainASCII(key), let equal = text.withUTF8({ name -> Bool? in
            guard !name.contains(where: { $0 >= 0x80 }) else { return nil }
            let bytes = utf8(key)
            return bytes.count == name.count && JSONTape.equal(bytes, name)
        }) {
            return equal
        }
        return string(key) == text
    }

    /// The position of `key` among `names`, or nil: what a generated validator switches on.
    /// Compares bytes when both sides are plain ASCII (where byte equality is `String` equality),
    /// and `String`s otherwise.
    @inlinable
    public func match(_ key: Index, _ names: FieldNames) -> Int? {
        if isPlainASCII(key) {
            let bytes = utf8(key)
            let prefix = FieldNames.prefix(bytes, readable: self.bytes.count - Int(entries[key].a))
            for index in names.utf8.indices where names.prefixes[index] == prefix {
                let name = names.utf8[index]
                if name.count == bytes.count, name.count <= 8 || JSONTape.equal(name, bytes) { return index }
            }
            if !names.hasNonASCII { return nil }
        }
        let text = string(key)
        return names.names.firstIndex(of: text)
    }

    /// Byte equality of two buffers of the same length.
    @inlinable
    static func equal(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<first.count where first[index] != second[index] { return false }
        return true
    }

    /// Two strings or keys equal as `String`s.
    @usableFromInline
    func stringsEqual(_ first: Index, _ second: Index) -> Bool {
        if isPlainASCII(first), isPlainASCII(second) {
            let a = utf8(first), b = utf8(second)
            return a.count == b.count && JSONTape.equal(a, b)
        }
        return string(first) == string(second)
    }
}

/// The field names of a record, for `JSONTape.match(_:_:)`: UTF-8 kept once, for byte comparisons.
public struct FieldNames: @unchecked Sendable, ExpressibleByArrayLiteral {
    // Immutable; the UTF-8 buffers are allocated once and never freed or written again.
    @usableFromInline let names: [String]
    /// The names' UTF-8, in static storage that lives as long as the program.
    @usableFromInline let utf8: [UnsafeBufferPointer<UInt8>]
    /// Whether some name has a character beyond ASCII (then keys are also compared as strings).
    @usableFromInline let hasNonASCII: Bool
    /// The first eight bytes of each name (`prefix(_:readable:)`), compared before anything else.
    @usableFromInline let prefixes: [UInt64]

    public init(_ names: [String]) {
        self.names = names
        self.utf8 = names.map { name in
            let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(name.utf8.count, 1))
            _ = bytes.initialize(from: name.utf8)
            return UnsafeBufferPointer(rebasing: bytes[..<name.utf8.count])
        }
        self.hasNonASCII = names.contains { $0.utf8.contains { $0 >= 0x80 } }
        self.prefixes = utf8.map { Self.prefix($0, readable: $0.count) }
    }

    /// Up to the first eight bytes of `bytes`, the first one lowest, zero beyond the end.
    /// `readable` bytes from the start may be read (a whole word when there are eight).
    @inlinable
    static func prefix(_ bytes: UnsafeBufferPointer<UInt8>, readable: Int) -> UInt64 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        if readable >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
            return bytes.count >= 8 ? word : word & ((1 &<< UInt64(bytes.count &* 8)) &- 1)
        }
        var word: UInt64 = 0
        for index in 0..<min(bytes.count, 8) { word |= UInt64(bytes[index]) &<< UInt64(index &* 8) }
        return word
    }

    public init(arrayLiteral names: String...) { self.init(names) }
}

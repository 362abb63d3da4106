/// A setting added to `Scenario` after results were first saved: the value those older results ran with.
public protocol AbsentSettingDefault {
    static var absentDefault: Self { get }
}

/// A `Scenario` setting that decodes as `Value.absentDefault` when its key is missing, so JSON results
/// and the committed gate baseline written before the setting existed still load, as what they ran.
/// (Synthesized `Decodable` ignores a property's initial value and requires the key.)
@propertyWrapper
public struct DefaultWhenAbsent<Value: Codable & Sendable & Hashable & AbsentSettingDefault>: Codable, Sendable, Hashable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    /// Picked over the generic `decode` by synthesized `init(from:)` for `DefaultWhenAbsent` properties.
    public func decode<Value>(_ type: DefaultWhenAbsent<Value>.Type, forKey key: Key) throws -> DefaultWhenAbsent<Value> {
        try decodeIfPresent(type, forKey: key) ?? DefaultWhenAbsent(wrappedValue: Value.absentDefault)
    }
}

/// The witness's ids for the parties of a scripted scenario: at most two hold one key at once, and each
/// trial uses its own key, so fixed ids are enough.
enum HolderID {
    static let holder: UInt64 = 1
    static let contender: UInt64 = 2
    static let first: UInt64 = 3
    static let second: UInt64 = 4
    static let skewed: UInt64 = 5
    static let worker: UInt64 = 6
}

/// An aggregate whose header has been read but whose elements are still arriving.
///
/// The decoder keeps a stack of these between `feed` calls (as hiredis's `read.c` keeps its
/// task stack), so a large array that arrives in many reads is parsed once, element by
/// element, instead of being re-scanned from its header on every read.
struct RESPDecoderFrame {
    /// The aggregate's type byte: `*`, `~`, `>`, `%` or `|`.
    let type: UInt8
    /// Elements still due; maps count keys and values, attributes add one for the decorated value.
    var remaining: Int
    /// Elements so far, for arrays, sets and pushes.
    var items: [RESPValue] = []
    /// Pairs so far, for maps and attributes.
    var pairs: [RESPPair] = []
    /// A map key awaiting its value, or an attribute's decorated value once it has arrived.
    var held: RESPValue?

    init(type: UInt8, remaining: Int, reserve: Int) {
        self.type = type
        self.remaining = remaining
        if type == UInt8(ascii: "%") || type == UInt8(ascii: "|") {
            pairs.reserveCapacity(reserve)
        } else {
            items.reserveCapacity(reserve)
        }
    }

    /// Takes one element; true when the aggregate is complete.
    mutating func absorb(_ value: RESPValue) -> Bool {
        switch type {
        case UInt8(ascii: "%"), UInt8(ascii: "|"):
            if type == UInt8(ascii: "|") && remaining == 1 {
                held = value
            } else if let key = held {
                pairs.append(RESPPair(key: key, value: value))
                held = nil
            } else {
                held = value
            }
        default:
            items.append(value)
        }
        remaining -= 1
        return remaining == 0
    }

    /// The finished value; call once `absorb` has returned true.
    consuming func build() -> RESPValue {
        switch type {
        case UInt8(ascii: "~"): return .set(items)
        case UInt8(ascii: ">"): return .push(items)
        case UInt8(ascii: "%"): return .map(pairs)
        // `held` is set: an attribute is complete only after its decorated value.
        case UInt8(ascii: "|"): return .attribute(pairs, held ?? .null)
        default: return .array(items)
        }
    }

    /// The value of an aggregate declared with no elements; attributes never get here
    /// because they always wait for the value they decorate.
    static func empty(_ type: UInt8) -> RESPValue {
        switch type {
        case UInt8(ascii: "~"): return .set([])
        case UInt8(ascii: ">"): return .push([])
        case UInt8(ascii: "%"): return .map([])
        default: return .array([])
        }
    }
}

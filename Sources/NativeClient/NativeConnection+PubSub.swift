import RESP
import RedisConnection

extension NativeConnection {
    /// How many replies a command produces: subscribe-family commands confirm each channel separately.
    func expectedReplies(for command: [RedisArgument]) -> Int {
        // Every command passes here: reject the common case on the first byte, without allocating.
        guard command.count >= 1, case .string(let name) = command[0], let first = name.utf8.first,
              Self.subscribeInitials.contains(first), name.utf8.count <= 12 else { return 1 }
        switch name.uppercased() {
        case "SUBSCRIBE", "SSUBSCRIBE":
            subscribedMode = true
            subscribesInFlight += 1
            for case .string(let channel) in command.dropFirst() { subscribedChannels.insert(channel) }
            return max(1, command.count - 1)
        case "PSUBSCRIBE":
            subscribedMode = true
            subscribesInFlight += 1
            for case .string(let pattern) in command.dropFirst() { subscribedPatterns.insert(pattern) }
            return max(1, command.count - 1)
        case "UNSUBSCRIBE", "SUNSUBSCRIBE":
            return Self.unsubscribe(command, from: &subscribedChannels)
        case "PUNSUBSCRIBE":
            return Self.unsubscribe(command, from: &subscribedPatterns)
        default:
            return 1
        }
    }

    /// Forgets the names `command` unsubscribes from `names` and returns how many confirmations it
    /// brings: without arguments Redis confirms every name (or sends one reply when there are none).
    static func unsubscribe(_ command: [RedisArgument], from names: inout Set<String>) -> Int {
        guard command.count > 1 else {
            defer { names.removeAll() }
            return max(1, names.count)
        }
        for case .string(let name) in command.dropFirst() { names.remove(name) }
        return command.count - 1
    }

    /// True for deliveries that answer no command: RESP3 pushes other than subscribe confirmations,
    /// and, on a RESP2 subscribed connection, `message`/`pmessage`/`smessage` arrays.
    func isOutOfBand(_ value: RESPValue) -> Bool {
        switch value {
        case .push(let items):
            guard let kind = items.first?.string?.lowercased() else { return true }
            return !Self.confirmationKinds.contains(kind)
        case .array(let items?):
            guard subscribedMode, items.count >= 3,
                  case .bulkString(let first?) = items[0], first.count <= 8 else { return false }
            let kind = String(decoding: first, as: UTF8.self)
            return kind == "message" || kind == "pmessage" || kind == "smessage"
        default:
            return false
        }
    }

    /// Leaves subscribed mode only when the server says no subscription is left, since messages may
    /// still arrive between an UNSUBSCRIBE and its confirmation.
    func noteSubscriptionChange(_ value: RESPValue) {
        guard subscribedMode, let items = value.elements, items.count == 3,
              let kind = items[0].string, kind.hasSuffix("unsubscribe"), items[2].integer == 0 else { return }
        // A SUBSCRIBE sent after this UNSUBSCRIBE (pipelined) keeps the connection subscribed.
        guard subscribesInFlight == 0 else { return }
        subscribedMode = false
    }

    /// First letters of SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, SUNSUBSCRIBE in either case.
    static let subscribeInitials: Set<UInt8> = Set("SPUspu".utf8)

    static let confirmationKinds: Set<String> = ["subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe"]
}

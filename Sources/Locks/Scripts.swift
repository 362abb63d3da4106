import RedisConnection

/// A Lua script the lock layer runs, with its SHA-1 computed once, locally, for `EVALSHA`.
public struct LockScript: Sendable, Hashable, CustomStringConvertible {
    /// A short name for messages and counters.
    public let name: String
    /// The Lua source.
    public let source: String
    /// SHA-1 of `source` in lowercase hex, as `SCRIPT LOAD` would return it.
    public let sha1: String

    init(name: String, source: String) {
        self.name = name
        self.source = source
        self.sha1 = SHA1.hexDigest(source.utf8)
    }

    /// The script's name.
    public var description: String { name }
}

/// Every Lua script of the lock layer, in one place so their command cost can be read together.
///
/// Cost notes: Redis counts each `redis.call` inside a script in `INFO commandstats` and in
/// `total_commands_processed`, besides the `EVALSHA` itself, so the comments give the count of server
/// commands each path costs (EVALSHA included). Time inside scripts is the server's (`TIME`), never a
/// client's, so ticket expiry does not depend on client clock skew. Redis 7 replicates script effects,
/// which is what makes `TIME` before a write legal.
public enum LockScripts {
    /// `KEYS[1]` lock, `ARGV[1]` token → 1 when it deleted our lock, else 0. Cost: 3 (EVALSHA, GET, DEL) or 2.
    public static let compareAndDelete = LockScript(name: "compare-and-delete", source: """
        if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
        return 0
        """)

    /// `KEYS[1]` lock, `ARGV[1]` token, `ARGV[2]` ms → 1 when it reset our lock's TTL, else 0. Cost: 3 or 2.
    public static let compareAndPexpire = LockScript(name: "compare-and-pexpire", source: """
        if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
        return 0
        """)

    /// `KEYS[1]` lock, `KEYS[2]` fencing counter, `ARGV[1]` token, `ARGV[2]` ttl ms → the new fencing token
    /// (an integer, strictly increasing per key, never expiring) when granted, else nil. Cost: 3 or 2.
    public static let fencedAcquire = LockScript(name: "fenced-acquire", source: """
        if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('incr', KEYS[2]) end
        return false
        """)

    /// `KEYS[1]` lock, `ARGV[1]` token, `ARGV[2]` wake-up channel → 1 when it deleted our lock and
    /// published on the channel, else 0 (and nothing published). Cost: 4 (EVALSHA, GET, DEL, PUBLISH) or 2.
    public static let releaseAndPublish = LockScript(name: "release-and-publish", source: """
        if redis.call('get', KEYS[1]) == ARGV[1] then
          redis.call('del', KEYS[1])
          redis.call('publish', ARGV[2], 'r')
          return 1
        end
        return 0
        """)

    /// FIFO enqueue-and-try, one round trip.
    ///
    /// `KEYS[1]` lock, `KEYS[2]` ticket list (tokens in arrival order), `KEYS[3]` ticket deadlines (hash
    /// token → server-ms deadline), optional `KEYS[4]` fencing counter; `ARGV[1]` token, `ARGV[2]` ttl ms,
    /// `ARGV[3]` ticket ttl ms, `ARGV[4]` our current ticket ('' for none), `ARGV[5]` channel.
    /// A ticket is our token in the list plus its deadline in the hash; a ticket is live while its deadline
    /// is in the future. Returns `{1, fence}` when we hold the lock (fence 0 when unfenced), else
    /// `{0, ticket, requeued}`. When the lock is free it is served to the oldest live ticket, dropping
    /// abandoned ones, and handed over with a `PUBLISH <channel> <token>:<fence>`; a newcomer never jumps
    /// the queue. Deadlines live in a hash so that a waiter's refresh is O(1): with thousands of waiters,
    /// finding a ticket in the list (LPOS) on every refresh made the server the bottleneck.
    /// Cost when the lock is held: 5 (EVALSHA, GET, TIME, RPUSH, HSET); a refresh costs 5 (HEXISTS, HSET).
    public static let fifoAcquire = LockScript(name: "fifo-acquire", source: """
        local lock, queue, deadlines, fence = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local token, ttl, ticketTtl, mine, channel = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
        local holder = redis.call('get', lock)
        if holder == token then
          if fence then return {1, tonumber(redis.call('get', fence))} end
          return {1, 0}
        end
        local t = redis.call('time')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        if not holder then
          while true do
            local owner = redis.call('lpop', queue)
            if not owner then break end
            local deadline = tonumber(redis.call('hget', deadlines, owner) or '-1')
            redis.call('hdel', deadlines, owner)
            if owner == token then
              redis.call('set', lock, token, 'PX', ttl)
              if fence then return {1, redis.call('incr', fence)} end
              return {1, 0}
            end
            if deadline >= now then
              redis.call('set', lock, owner, 'PX', ttl)
              local f = 0
              if fence then f = redis.call('incr', fence) end
              redis.call('publish', channel, owner .. ':' .. f)
              holder = owner
              break
            end
          end
          if not holder then
            redis.call('set', lock, token, 'PX', ttl)
            if fence then return {1, redis.call('incr', fence)} end
            return {1, 0}
          end
        end
        local deadline = string.format('%.0f', now + ticketTtl)
        if mine ~= '' and redis.call('hexists', deadlines, token) == 1 then
          redis.call('hset', deadlines, token, deadline)
          return {0, token, 0}
        end
        redis.call('rpush', queue, token)
        redis.call('hset', deadlines, token, deadline)
        if mine ~= '' then return {0, token, 1} end
        return {0, token, 0}
        """)

    /// FIFO release-and-hand-off (also a waiter's withdrawal), one round trip.
    ///
    /// `KEYS` as `fifoAcquire`; `ARGV[1]` token, `ARGV[2]` ttl ms, `ARGV[3]` channel, `ARGV[4]` a ticket to
    /// withdraw ('' for none). Returns 0 when we did not hold the lock, 1 when we released it with nobody
    /// waiting, 2 when it was handed to the oldest live ticket (and published as `<token>:<fence>`).
    /// Cost with a waiter: 7 (EVALSHA, GET, TIME, LPOP, HGET, HDEL, SET, PUBLISH; +INCR when fenced).
    public static let fifoRelease = LockScript(name: "fifo-release", source: """
        local lock, queue, deadlines, fence = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        if ARGV[4] ~= '' then
          redis.call('hdel', deadlines, ARGV[4])
          redis.call('lrem', queue, 1, ARGV[4])
        end
        if redis.call('get', lock) ~= ARGV[1] then return 0 end
        local t = redis.call('time')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        while true do
          local owner = redis.call('lpop', queue)
          if not owner then
            redis.call('del', lock)
            return 1
          end
          local deadline = tonumber(redis.call('hget', deadlines, owner) or '-1')
          redis.call('hdel', deadlines, owner)
          if deadline >= now then
            redis.call('set', lock, owner, 'PX', ARGV[2])
            local f = 0
            if fence then f = redis.call('incr', fence) end
            redis.call('publish', ARGV[3], owner .. ':' .. f)
            return 2
          end
        end
        """)

    /// The fenced resource's guard: `KEYS[1]` resource hash, `ARGV[1]` fencing token, `ARGV[2]` value →
    /// 1 when accepted (token ≥ the highest seen; stored with the value), 0 when refused as stale (and
    /// counted in the hash's `rejected` field).
    public static let fencedWrite = LockScript(name: "fenced-write", source: """
        local highest = tonumber(redis.call('hget', KEYS[1], 'fence') or '0')
        if tonumber(ARGV[1]) < highest then
          redis.call('hincrby', KEYS[1], 'rejected', 1)
          return 0
        end
        redis.call('hset', KEYS[1], 'fence', ARGV[1], 'value', ARGV[2])
        return 1
        """)

    /// Whether a script call came back `NOSCRIPT`: the server lost its script cache (restart,
    /// `SCRIPT FLUSH`, failover), so the call must be re-sent as `EVAL`.
    static func isNoScript(_ reply: RedisReply) -> Bool {
        guard case .success(let value) = reply, let message = value.errorMessage else { return false }
        return message.hasPrefix("NOSCRIPT")
    }

    /// Every script, for `SCRIPT LOAD` at setup.
    public static let all: [LockScript] = [
        compareAndDelete, compareAndPexpire, fencedAcquire, releaseAndPublish, fifoAcquire, fifoRelease, fencedWrite,
    ]
}

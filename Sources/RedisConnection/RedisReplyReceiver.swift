/// Receives replies on the measured path without a closure per command.
///
/// A lock operation sends its commands with itself as the receiver and a tag saying which command
/// it was; the connection keeps the receiver (retained) and the tag in its FIFO of pending commands
/// and calls back once per command. A closure per command would be an allocation per command, and
/// on a pipelined lock workload those allocations were most of the client's CPU.
public protocol RedisReplyReceiver: AnyObject, Sendable {
    /// The reply to the command sent with `tag`: once per command, on the connection's queue.
    func receive(_ reply: RedisReply, tag: Int)
}

namespace Keel.Etcd.Grpc;

/// <summary>Whether a call may be sent to the next endpoint after an attempt whose outcome is unknown.</summary>
internal enum RetryPolicy
{
    /// <summary>Reads and idempotent lease calls: any failed attempt moves on to the next endpoint.</summary>
    AnyFailure,

    /// <summary>
    /// Writes: move on only when the request surely never left (the connection could not be made). After a timeout
    /// or an Unavailable status the write may have been applied, and sending it again could turn "I won" into
    /// "someone holds it" (a create-if-absent txn would fail against our own key); the caller gets "unknown" instead.
    /// </summary>
    OnlyIfNotSent,
}

namespace Keel.Etcd;

/// <summary>One operation inside a transaction branch.</summary>
public abstract record TxnOp;

/// <summary>Write a key, attached to <paramref name="Lease"/> unless it is 0.</summary>
public sealed record PutOp(string Key, string Value, long Lease = 0) : TxnOp;

/// <summary>Delete a key, or every key under a prefix.</summary>
public sealed record DeleteOp(string Key, bool Prefix = false) : TxnOp;

/// <summary>Read a key, or every key under a prefix; its result appears in <see cref="TxnResult.Ranges"/>.</summary>
public sealed record GetOp(string Key, bool Prefix = false) : TxnOp;

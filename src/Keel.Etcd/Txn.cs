namespace Keel.Etcd;

/// <summary>If every compare holds, run Success, else run Failure; atomically, at one revision.</summary>
public sealed record TxnRequest(IReadOnlyList<Compare> Compares, IReadOnlyList<TxnOp> Success, IReadOnlyList<TxnOp> Failure);

/// <summary>
/// Which branch ran, the store revision after it, and the results of that branch's GetOps in order.
/// Succeeded == false is a definite "the guard did not hold", never "etcd did not answer" (that throws).
/// </summary>
public sealed record TxnResult(bool Succeeded, long Revision, IReadOnlyList<RangeResult> Ranges);

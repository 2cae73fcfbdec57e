using System.Text;

namespace Keel.Etcd.Wire;

/// <summary>Translation between Keel's public records and the gateway's messages.</summary>
internal static class WireMapping
{
    public static KeyValue ToKeyValue(KeyValueDto kv) => new(
        Text(kv.Key), Text(kv.Value), kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease);

    /// <summary>A range result; a nested (txn) range without its own header takes the enclosing revision.</summary>
    public static RangeResult ToRangeResult(RangeResponseDto? range, long fallbackRevision)
    {
        var kvs = range?.Kvs is { } list ? Array.ConvertAll(list, ToKeyValue) : [];
        var revision = range?.Header?.Revision is > 0 and var r ? r : fallbackRevision;
        return new RangeResult(kvs, revision);
    }

    public static WatchEvent ToWatchEvent(EventDto ev)
    {
        var type = string.Equals(ev.Type, "DELETE", StringComparison.Ordinal) ? WatchEventType.Delete : WatchEventType.Put;
        return new WatchEvent(type, ToKeyValue(ev.Kv ?? new KeyValueDto()));
    }

    public static RangeRequestDto ToRangeRequest(string key, bool prefix)
    {
        if (!prefix)
        {
            return new RangeRequestDto { Key = KeyRange.Bytes(key) };
        }

        var (start, end) = KeyRange.Prefix(key);
        return new RangeRequestDto { Key = start, RangeEnd = end };
    }

    public static DeleteRangeRequestDto ToDeleteRequest(string key, bool prefix)
    {
        if (!prefix)
        {
            return new DeleteRangeRequestDto { Key = KeyRange.Bytes(key) };
        }

        var (start, end) = KeyRange.Prefix(key);
        return new DeleteRangeRequestDto { Key = start, RangeEnd = end };
    }

    public static PutRequestDto ToPutRequest(string key, string value, long lease) => new()
    {
        Key = KeyRange.Bytes(key),
        Value = Encoding.UTF8.GetBytes(value),
        Lease = lease == 0 ? null : lease,
    };

    public static TxnRequestDto ToTxnRequest(TxnRequest txn) => new()
    {
        Compare = txn.Compares.Select(ToCompare).ToArray(),
        Success = txn.Success.Select(ToRequestOp).ToArray(),
        Failure = txn.Failure.Select(ToRequestOp).ToArray(),
    };

    /// <summary>Results of the GetOps of the branch that ran, matched to the responses by position.</summary>
    public static TxnResult ToTxnResult(TxnRequest txn, TxnResponseDto response)
    {
        var revision = response.Header?.Revision ?? 0;
        var ops = response.Succeeded ? txn.Success : txn.Failure;
        var responses = response.Responses ?? [];
        var ranges = new List<RangeResult>();
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is GetOp)
            {
                ranges.Add(ToRangeResult(i < responses.Length ? responses[i].ResponseRange : null, revision));
            }
        }

        return new TxnResult(response.Succeeded, revision, ranges);
    }

    private static CompareDto ToCompare(Compare c)
    {
        var dto = new CompareDto
        {
            Key = KeyRange.Bytes(c.Key),
            Result = c.Result switch
            {
                CompareResult.Equal => "EQUAL",
                CompareResult.NotEqual => "NOT_EQUAL",
                CompareResult.Greater => "GREATER",
                CompareResult.Less => "LESS",
                _ => throw new ArgumentOutOfRangeException(nameof(c), c.Result, "unknown compare result"),
            },
            Target = c.Target switch
            {
                CompareTarget.Version => "VERSION",
                CompareTarget.CreateRevision => "CREATE",
                CompareTarget.ModRevision => "MOD",
                CompareTarget.Value => "VALUE",
                CompareTarget.Lease => "LEASE",
                _ => throw new ArgumentOutOfRangeException(nameof(c), c.Target, "unknown compare target"),
            },
        };

        // The operand is a protobuf oneof: set exactly the field that matches the target, even when it is 0,
        // or etcd would compare against a different (default) operand.
        return c.Target switch
        {
            CompareTarget.Version => dto with { Version = c.Number },
            CompareTarget.CreateRevision => dto with { CreateRevision = c.Number },
            CompareTarget.ModRevision => dto with { ModRevision = c.Number },
            CompareTarget.Lease => dto with { Lease = c.Number },
            _ => dto with { Value = Encoding.UTF8.GetBytes(c.Value ?? string.Empty) },
        };
    }

    private static RequestOpDto ToRequestOp(TxnOp op) => op switch
    {
        PutOp put => new RequestOpDto { RequestPut = ToPutRequest(put.Key, put.Value, put.Lease) },
        DeleteOp del => new RequestOpDto { RequestDeleteRange = ToDeleteRequest(del.Key, del.Prefix) },
        GetOp get => new RequestOpDto { RequestRange = ToRangeRequest(get.Key, get.Prefix) },
        _ => throw new ArgumentException($"unsupported transaction operation {op.GetType().Name}", nameof(op)),
    };

    private static string Text(byte[]? bytes) => bytes is null ? string.Empty : Encoding.UTF8.GetString(bytes);
}

using Google.Protobuf;
using Proto = Etcdserverpb;
using Mvcc = Mvccpb;

namespace Keel.Etcd.Grpc;

/// <summary>Translation between Keel's public records and etcd's protobuf messages.</summary>
internal static class ProtoMapping
{
    public static KeyValue ToKeyValue(Mvcc.KeyValue kv) => new(
        kv.Key.ToStringUtf8(), kv.Value.ToStringUtf8(), kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease);

    /// <summary>A range result; a nested (txn) range without its own header takes the enclosing revision.</summary>
    public static RangeResult ToRangeResult(Proto.RangeResponse? range, long fallbackRevision)
    {
        var kvs = range is null ? [] : range.Kvs.Select(ToKeyValue).ToArray();
        var revision = range?.Header?.Revision is > 0 and var r ? r : fallbackRevision;
        return new RangeResult(kvs, revision);
    }

    public static WatchEvent ToWatchEvent(Mvcc.Event ev) => new(
        ev.Type == Mvcc.Event.Types.EventType.Delete ? WatchEventType.Delete : WatchEventType.Put,
        ToKeyValue(ev.Kv ?? new Mvcc.KeyValue()));

    public static Proto.RangeRequest ToRangeRequest(string key, bool prefix)
    {
        if (!prefix)
        {
            return new Proto.RangeRequest { Key = Bytes(key) };
        }

        var (start, end) = KeyRange.Prefix(key);
        return new Proto.RangeRequest { Key = ByteString.CopyFrom(start), RangeEnd = ByteString.CopyFrom(end) };
    }

    public static Proto.DeleteRangeRequest ToDeleteRequest(string key, bool prefix)
    {
        if (!prefix)
        {
            return new Proto.DeleteRangeRequest { Key = Bytes(key) };
        }

        var (start, end) = KeyRange.Prefix(key);
        return new Proto.DeleteRangeRequest { Key = ByteString.CopyFrom(start), RangeEnd = ByteString.CopyFrom(end) };
    }

    public static Proto.PutRequest ToPutRequest(string key, string value, long lease) => new()
    {
        Key = Bytes(key),
        Value = ByteString.CopyFromUtf8(value),
        Lease = lease,
    };

    public static Proto.WatchRequest ToWatchRequest(string prefix, long startRevision)
    {
        var (key, end) = KeyRange.Prefix(prefix);
        return new Proto.WatchRequest
        {
            CreateRequest = new Proto.WatchCreateRequest
            {
                Key = ByteString.CopyFrom(key),
                RangeEnd = ByteString.CopyFrom(end),
                StartRevision = startRevision,
            },
        };
    }

    public static Proto.TxnRequest ToTxnRequest(TxnRequest txn)
    {
        var request = new Proto.TxnRequest();
        request.Compare.AddRange(txn.Compares.Select(ToCompare));
        request.Success.AddRange(txn.Success.Select(ToRequestOp));
        request.Failure.AddRange(txn.Failure.Select(ToRequestOp));
        return request;
    }

    /// <summary>Results of the GetOps of the branch that ran, matched to the responses by position.</summary>
    public static TxnResult ToTxnResult(TxnRequest txn, Proto.TxnResponse response)
    {
        var revision = response.Header?.Revision ?? 0;
        var ops = response.Succeeded ? txn.Success : txn.Failure;
        var ranges = new List<RangeResult>();
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is GetOp)
            {
                ranges.Add(ToRangeResult(i < response.Responses.Count ? response.Responses[i].ResponseRange : null, revision));
            }
        }

        return new TxnResult(response.Succeeded, revision, ranges);
    }

    public static Proto.Compare ToCompare(Compare c)
    {
        var compare = new Proto.Compare
        {
            Key = Bytes(c.Key),
            Result = c.Result switch
            {
                CompareResult.Equal => Proto.Compare.Types.CompareResult.Equal,
                CompareResult.NotEqual => Proto.Compare.Types.CompareResult.NotEqual,
                CompareResult.Greater => Proto.Compare.Types.CompareResult.Greater,
                CompareResult.Less => Proto.Compare.Types.CompareResult.Less,
                _ => throw new ArgumentOutOfRangeException(nameof(c), c.Result, "unknown compare result"),
            },
            Target = c.Target switch
            {
                CompareTarget.Version => Proto.Compare.Types.CompareTarget.Version,
                CompareTarget.CreateRevision => Proto.Compare.Types.CompareTarget.Create,
                CompareTarget.ModRevision => Proto.Compare.Types.CompareTarget.Mod,
                CompareTarget.Value => Proto.Compare.Types.CompareTarget.Value,
                CompareTarget.Lease => Proto.Compare.Types.CompareTarget.Lease,
                _ => throw new ArgumentOutOfRangeException(nameof(c), c.Target, "unknown compare target"),
            },
        };

        // The operand is a protobuf oneof: set exactly the field that matches the target (setting it selects the
        // case even when the value is 0), or etcd would compare against a different (default) operand.
        switch (c.Target)
        {
            case CompareTarget.Version: compare.Version = c.Number; break;
            case CompareTarget.CreateRevision: compare.CreateRevision = c.Number; break;
            case CompareTarget.ModRevision: compare.ModRevision = c.Number; break;
            case CompareTarget.Lease: compare.Lease = c.Number; break;
            default: compare.Value = ByteString.CopyFromUtf8(c.Value ?? string.Empty); break;
        }

        return compare;
    }

    private static Proto.RequestOp ToRequestOp(TxnOp op) => op switch
    {
        PutOp put => new Proto.RequestOp { RequestPut = ToPutRequest(put.Key, put.Value, put.Lease) },
        DeleteOp del => new Proto.RequestOp { RequestDeleteRange = ToDeleteRequest(del.Key, del.Prefix) },
        GetOp get => new Proto.RequestOp { RequestRange = ToRangeRequest(get.Key, get.Prefix) },
        _ => throw new ArgumentException($"unsupported transaction operation {op.GetType().Name}", nameof(op)),
    };

    private static ByteString Bytes(string key) => ByteString.CopyFrom(KeyRange.Bytes(key));
}

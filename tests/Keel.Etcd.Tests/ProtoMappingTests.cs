using Google.Protobuf;
using Keel.Etcd.Grpc;
using Proto = Etcdserverpb;

namespace Keel.Etcd.Tests;

/// <summary>Pure checks of the protobuf mapping (no server).</summary>
public sealed class ProtoMappingTests
{
    [Fact]
    public void A_create_if_absent_compare_selects_the_create_revision_operand_even_though_it_is_zero()
    {
        var request = ProtoMapping.ToTxnRequest(new TxnRequest([Compare.Absent("k")], [new PutOp("k", "v", Lease: 7_000_000_000_000_000_001)], []));

        var compare = Assert.Single(request.Compare);
        Assert.Equal(Proto.Compare.Types.CompareTarget.Create, compare.Target);
        Assert.Equal(Proto.Compare.TargetUnionOneofCase.CreateRevision, compare.TargetUnionCase);
        Assert.Equal(0, compare.CreateRevision);
        Assert.Equal("k", compare.Key.ToStringUtf8());
        Assert.Equal(7_000_000_000_000_000_001, Assert.Single(request.Success).RequestPut.Lease);

        // On the wire: target CREATE (field 2 = 1), key "k" (field 3), and create_revision present as 0 (field 5,
        // tag 0x28), so etcd compares the create revision rather than a defaulted operand.
        Assert.Equal(new byte[] { 0x10, 0x01, 0x1A, 0x01, 0x6B, 0x28, 0x00 }, compare.ToByteArray());
    }

    [Fact]
    public void A_value_compare_carries_the_value_as_its_operand()
    {
        var compare = ProtoMapping.ToCompare(Compare.ValueIs("k", "leader-a"));

        Assert.Equal(Proto.Compare.TargetUnionOneofCase.Value, compare.TargetUnionCase);
        Assert.Equal("leader-a", compare.Value.ToStringUtf8());
    }

    [Fact]
    public void A_failed_txn_answer_maps_to_the_failure_branch_ranges()
    {
        var response = new Proto.TxnResponse { Header = new Proto.ResponseHeader { Revision = 9 }, Succeeded = false };
        var range = new Proto.RangeResponse { Header = new Proto.ResponseHeader { Revision = 9 }, Count = 1 };
        range.Kvs.Add(new Mvccpb.KeyValue
        {
            Key = ByteString.CopyFromUtf8("a"), Value = ByteString.CopyFromUtf8("q"), CreateRevision = 8, ModRevision = 9, Version = 2, Lease = 4111120159879269391,
        });
        response.Responses.Add(new Proto.ResponseOp { ResponseRange = range });
        var txn = new TxnRequest([Compare.Absent("a")], [new PutOp("a", "x")], [new GetOp("a")]);

        var result = ProtoMapping.ToTxnResult(txn, response);

        Assert.False(result.Succeeded);
        Assert.Equal(9, result.Revision);
        Assert.Equal(new KeyValue("a", "q", 8, 9, 2, 4111120159879269391), Assert.Single(Assert.Single(result.Ranges).Kvs));
    }

    [Fact]
    public void A_prefix_watch_asks_for_the_prefix_range_from_the_start_revision()
    {
        var request = ProtoMapping.ToWatchRequest("a/", 42);

        Assert.Equal("a/", request.CreateRequest.Key.ToStringUtf8());
        Assert.Equal("a0", request.CreateRequest.RangeEnd.ToStringUtf8());
        Assert.Equal(42, request.CreateRequest.StartRevision);
    }
}

namespace Keel.Etcd.Tests;

public sealed class TxnTests(EtcdFixture fx) : IClassFixture<EtcdFixture>
{
    private readonly EtcdClient _client = fx.Client;
    private readonly string _p = EtcdFixture.UniquePrefix();

    private TxnRequest CreateIfAbsent(string key, string value) =>
        new([Compare.Absent(key)], [new PutOp(key, value)], [new GetOp(key)]);

    [Fact]
    public async Task Create_if_absent_succeeds_once_and_the_second_attempt_sees_the_holder()
    {
        var leader = _p + "leader";

        var first = await _client.TxnAsync(CreateIfAbsent(leader, "node-a"));
        var second = await _client.TxnAsync(CreateIfAbsent(leader, "node-b"));

        Assert.True(first.Succeeded);
        Assert.Empty(first.Ranges);
        Assert.False(second.Succeeded);
        var holder = Assert.Single(Assert.Single(second.Ranges).Kvs);
        Assert.Equal("node-a", holder.Value);
        Assert.Equal(first.Revision, holder.CreateRevision);
        Assert.Equal(first.Revision, second.Revision);
    }

    [Fact]
    public async Task A_compare_on_mod_revision_fails_once_someone_else_has_written()
    {
        var key = _p + "config";
        var rev = await _client.PutAsync(key, "v1");
        var update = new TxnRequest([Compare.ModRevisionIs(key, rev)], [new PutOp(key, "v2")], [new GetOp(key)]);

        var won = await _client.TxnAsync(update);
        var lost = await _client.TxnAsync(update);

        Assert.True(won.Succeeded);
        Assert.False(lost.Succeeded);
        Assert.Equal("v2", Assert.Single(Assert.Single(lost.Ranges).Kvs).Value);
    }

    [Fact]
    public async Task A_compare_on_create_revision_fences_out_a_recreated_key()
    {
        var key = _p + "lock";
        var mine = await _client.PutAsync(key, "me");
        await _client.DeleteAsync(key);
        await _client.PutAsync(key, "someone else");

        var result = await _client.TxnAsync(new TxnRequest([Compare.CreateRevisionIs(key, mine)], [new DeleteOp(key)], []));

        Assert.False(result.Succeeded);
        Assert.Single((await _client.GetAsync(key)).Kvs);
    }

    [Fact]
    public async Task A_compare_on_value_chooses_the_branch()
    {
        var key = _p + "state";
        await _client.PutAsync(key, "primary");

        var yes = await _client.TxnAsync(new TxnRequest([Compare.ValueIs(key, "primary")], [new PutOp(key, "demoting")], []));
        var no = await _client.TxnAsync(new TxnRequest([Compare.ValueIs(key, "primary")], [new PutOp(key, "wrong")], []));

        Assert.True(yes.Succeeded);
        Assert.False(no.Succeeded);
        Assert.Equal("demoting", Assert.Single((await _client.GetAsync(key)).Kvs).Value);
    }

    [Fact]
    public async Task The_ranges_are_the_get_ops_of_the_branch_taken_in_order()
    {
        await _client.PutAsync(_p + "x/1", "1");
        await _client.PutAsync(_p + "x/2", "2");
        await _client.PutAsync(_p + "y", "y");

        var result = await _client.TxnAsync(new TxnRequest(
            [new Compare(_p + "y", CompareTarget.Version, CompareResult.Greater, 0)],
            [new GetOp(_p + "y"), new PutOp(_p + "z", "z"), new GetOp(_p + "x/", Prefix: true), new DeleteOp(_p + "x/", Prefix: true), new GetOp(_p + "x/", Prefix: true)],
            [new GetOp(_p + "never")]));

        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Ranges.Count);
        Assert.Equal("y", Assert.Single(result.Ranges[0].Kvs).Value);
        Assert.Equal(["1", "2"], result.Ranges[1].Kvs.Select(kv => kv.Value));
        Assert.Empty(result.Ranges[2].Kvs);
        Assert.Empty((await _client.GetPrefixAsync(_p + "x/")).Kvs);
    }

    [Fact]
    public async Task An_invalid_txn_is_etcds_definite_error_not_unavailable()
    {
        var key = _p + "dup";

        var ex = await Assert.ThrowsAsync<EtcdException>(() =>
            _client.TxnAsync(new TxnRequest([], [new PutOp(key, "1"), new PutOp(key, "2")], [])));

        Assert.Equal(3, ex.Code);
        Assert.Contains("duplicate key", ex.Message, StringComparison.Ordinal);
    }
}

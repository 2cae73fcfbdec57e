using System.Diagnostics;
using Keel.MySql.Tests.Fixtures;

namespace Keel.MySql.Tests;

[Collection(SharedServerCollection.Name)]
public sealed class CommandTimeoutTests(SharedServerFixture fixture)
{
    [Fact]
    public async Task A_query_over_its_timeout_throws_MySqlTimeoutException_and_breaks_the_connection()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<MySqlTimeoutException>(
            () => c.QueryAsync("SELECT SLEEP(5)", timeout: TimeSpan.FromMilliseconds(300)));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        Assert.True(c.IsBroken);
        await Assert.ThrowsAsync<MySqlConnectionException>(() => c.PingAsync());
    }

    [Fact]
    public async Task The_default_command_timeout_comes_from_the_options()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp with { CommandTimeout = TimeSpan.FromMilliseconds(300) });

        await Assert.ThrowsAsync<MySqlTimeoutException>(() => c.QueryAsync("SELECT SLEEP(5)"));
    }

    [Fact]
    public async Task Cancelling_the_callers_token_throws_OperationCanceledException()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.QueryAsync("SELECT SLEEP(5)", cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
        Assert.True(c.IsBroken);
    }

    [Fact]
    public async Task An_already_cancelled_token_leaves_the_connection_usable()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.QueryAsync("SELECT 1", new CancellationToken(canceled: true)));

        Assert.False(c.IsBroken);
        Assert.Equal("1", (await c.QueryAsync("SELECT 1")).Scalar());
    }

    [Fact]
    public async Task A_second_concurrent_command_is_refused_naming_the_expected_state()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        var first = c.QueryAsync("SELECT SLEEP(0.3)");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => c.QueryAsync("SELECT 2"));

        Assert.Contains("expected Idle", ex.Message, StringComparison.Ordinal);
        Assert.Equal("0", (await first).Scalar());
        Assert.False(c.IsBroken);
    }

    [Fact]
    public async Task A_non_positive_timeout_is_rejected_without_harming_the_connection()
    {
        await using var c = await MySqlConnection.OpenAsync(fixture.Tcp);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => c.QueryAsync("SELECT 1", timeout: TimeSpan.Zero));

        Assert.Equal("1", (await c.QueryAsync("SELECT 1")).Scalar());
    }
}

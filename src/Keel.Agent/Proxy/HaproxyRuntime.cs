using System.Net.Sockets;
using System.Text;

namespace Keel.Agent.Proxy;

/// <summary>
/// Pushes routing changes to HAProxy through its runtime API (the admin socket) so that clients move at once
/// instead of at the next health check. Health checks stay the source of truth: a pushed state that the check
/// disagrees with is corrected by the check.
/// </summary>
public sealed class HaproxyRuntime
{
    private readonly string _socketPath;
    private readonly TimeSpan _timeout;

    public HaproxyRuntime(string socketPath, TimeSpan timeout)
    {
        _socketPath = socketPath;
        _timeout = timeout;
    }

    public async Task<string> SendAsync(IEnumerable<string> commands, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cts.Token);
        var line = string.Join(";", commands) + "\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(line), SocketFlags.None, cts.Token);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return answer.ToString();
    }

    /// <summary>Route the read-write port to <paramref name="primary"/> only, and cut sessions on the others.</summary>
    public Task<string> RouteWritesToAsync(string backend, string primary, IEnumerable<string> members, CancellationToken ct) =>
        SendAsync(members.SelectMany(m => m == primary
            ? new[] { $"set server {backend}/{m} state ready", $"set server {backend}/{m} health up" }
            : new[] { $"set server {backend}/{m} health down", $"shutdown sessions server {backend}/{m}" }), ct);

    /// <summary>Take one member out of the read-write port and cut its sessions.</summary>
    public Task<string> StopWritesToAsync(string backend, string member, CancellationToken ct) =>
        SendAsync([$"set server {backend}/{member} health down", $"shutdown sessions server {backend}/{member}"], ct);
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Bench.Faults;
using Keel.Core.Model;
using Keel.MySql;

namespace Keel.Bench;

/// <summary>The administrative account for a remote cluster's members (read_only, GTID positions, the checker's rows).</summary>
public sealed record AdminAccount(string User, string Password);

/// <summary>
/// Any Keel cluster named by its etcd and cluster name: members and their agents' APIs come from their etcd keys,
/// decisions from each agent's <c>GET /decisions</c>, faults from the operator's commands.
/// </summary>
public sealed class RemoteBenchCluster : BenchCluster
{
    private static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(3);
    private readonly IReadOnlyDictionary<string, MemberState> _members;
    private readonly AdminAccount _admin;
    private readonly HttpClient _http;

    private RemoteBenchCluster(IReadOnlyList<Uri> etcd, string cluster, BenchAccount app, AdminAccount admin, BenchEndpoint readWrite,
        IFaultInjector faults, IReadOnlyDictionary<string, MemberState> members, Keel.Os.Tls.ClientTls? tls)
        : base(etcd, cluster, app, tls)
    {
        _http = Keel.Os.Tls.ClientTls.For(tls, ApiTimeout);
        _admin = admin;
        _members = members;
        ReadWriteEndpoint = readWrite;
        Faults = faults;
    }

    /// <summary>Connects and takes the member list from etcd; a cluster without members or a leader is an error.</summary>
    public static async Task<RemoteBenchCluster> ConnectAsync(IReadOnlyList<Uri> etcd, string cluster, BenchAccount app, AdminAccount admin,
        BenchEndpoint readWrite, IFaultInjector faults, CancellationToken ct, string? tlsCa = null, string? sysbenchTlsDirectory = null)
    {
        // etcd and the agents' APIs: KEEL_TLS_CA (with KEEL_TLS_CERT/KEY for etcd's client certificates), else --tls-ca.
        var tls = Keel.Os.Tls.ClientTls.FromEnvironment() ?? (tlsCa is not null ? new Keel.Os.Tls.ClientTls(tlsCa) : null);
        var probe = new RemoteBenchCluster(etcd, cluster, app, admin, readWrite, faults, new Dictionary<string, MemberState>(), tls);
        try
        {
            var view = await probe.Store.ReadAsync(ct);
            if (view.Members.Count == 0)
            {
                throw new InvalidOperationException($"etcd at {string.Join(", ", etcd)} has no members for cluster '{cluster}' (is --cluster right?)");
            }
            return new RemoteBenchCluster(etcd, cluster, app, admin, readWrite, faults, view.Members, tls) { TlsCa = tlsCa, SysbenchTlsDirectory = sysbenchTlsDirectory };
        }
        finally
        {
            probe.Dispose();
        }
    }

    public override IReadOnlyList<string> MemberNames => _members.Keys.Order(StringComparer.Ordinal).ToList();

    public override BenchEndpoint ReadWriteEndpoint { get; }

    public override IFaultInjector Faults { get; }

    public override string Description => $"cluster '{ClusterName}'";

    public override BenchEndpoint MemberEndpoint(string member) => new(_members[member].Host, _members[member].Port);

    public override MySqlConnectOptions Admin(string member, TimeSpan timeout) => new()
    {
        Host = _members[member].Host,
        Port = _members[member].Port,
        User = _admin.User,
        Password = _admin.Password,
        TlsCa = TlsCa,
        ConnectTimeout = timeout < TimeSpan.FromSeconds(2) ? timeout : TimeSpan.FromSeconds(2),
        CommandTimeout = timeout,
    };

    public override async Task<IReadOnlyList<AgentLogMarks.LogLine>> DecisionsAsync(DateTimeOffset since, CancellationToken ct)
    {
        var lines = new List<AgentLogMarks.LogLine>();
        foreach (var m in _members.Values)
        {
            try
            {
                var url = $"{m.ApiUrl.TrimEnd('/')}/decisions?since={Uri.EscapeDataString(since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}";
                var entries = await _http.GetFromJsonAsync<List<JournalLine>>(url, Json, ct) ?? [];
                lines.AddRange(entries.Select(e => new AgentLogMarks.LogLine(e.At, e.Member, e.EventId.ToString(CultureInfo.InvariantCulture), e.Text)));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                // A member whose agent is down has no journal to give; the others still tell the story.
            }
        }
        return lines.OrderBy(l => l.At).ToList();
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record JournalLine(DateTimeOffset At, string Member, int EventId, string Text);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http.Dispose();
        }
        base.Dispose(disposing);
    }
}

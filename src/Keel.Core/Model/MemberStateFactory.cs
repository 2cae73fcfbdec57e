namespace Keel.Core.Model;

/// <summary>Turns a probe of the local server into the record an agent publishes.</summary>
public static class MemberStateFactory
{
    public static MemberState FromLocal(
        MemberIdentity self,
        LocalServer local,
        IEnumerable<MemberState> peers,
        MemberRole lastKnownRole,
        int? agentPid,
        DateTimeOffset now,
        ReceivedReading? lastReceived = null)
    {
        var replication = local.Replication;
        var following = replication?.SourceHost is { } host
            ? peers.FirstOrDefault(p => p.Host == host && p.Port == replication.SourcePort)?.Name ?? $"{host}:{replication.SourcePort}"
            : null;
        var running = local.Status == ServerStatus.Running;
        var role = local.Status != ServerStatus.Running
            ? lastKnownRole
            : local.ReadOnly == false ? MemberRole.Primary : MemberRole.Replica;
        return new MemberState
        {
            Name = self.Name,
            Host = self.Host,
            Port = self.Port,
            ApiUrl = self.ApiUrl,
            Tags = self.Tags,
            Server = local.Status,
            ReadOnly = local.ReadOnly,
            Role = role,
            Following = following,
            IoRunning = replication?.IoRunning ?? false,
            SqlRunning = replication?.SqlRunning ?? false,
            BinlogPosition = local.BinlogPosition.ToString(),
            ReceivedPosition = running ? local.ReceivedPosition.ToString() : lastReceived?.Position.ToString() ?? "",
            ReceivedAt = running ? now : lastReceived?.At,
            ReplicationPasswordFingerprint = replication is null ? null : local.SourcePasswordFingerprint,
            LagSeconds = replication?.SecondsBehindSource,
            SemiSync = local.SemiSyncActive,
            LastError = local.ProbeError ?? FirstNonEmpty(replication?.LastIoError, replication?.LastSqlError),
            AgentPid = agentPid,
            ServerPid = local.Pid,
            UpdatedAt = now,
        };
    }

    /// <summary>A received position read from the running server, and when: kept by the agent for when the server is down.</summary>
    public sealed record ReceivedReading(Keel.Core.Gtid.GtidPosition Position, DateTimeOffset At);

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}

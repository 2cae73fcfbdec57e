using System.Text.Json.Serialization;
using Keel.Core.Model;

namespace Keel.Agent.Api;

/// <summary>The body of every health endpoint: this member's published state, plus what the agent decided last.</summary>
public sealed record MemberReport(MemberState Member, string? Leader, string LastDecision, DateTimeOffset TickAt);

/// <summary>GET /cluster: every member as etcd holds it and who leads.</summary>
public sealed record ClusterReport(string Cluster, string? Leader, IReadOnlyList<MemberState> Members, bool EtcdReachable);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(MemberReport))]
[JsonSerializable(typeof(ClusterReport))]
[JsonSerializable(typeof(IReadOnlyList<Keel.Agent.Ha.JournalEntry>))]
[JsonSerializable(typeof(Keel.Agent.Doctor.LocalDoctorReport))]
[JsonSerializable(typeof(Keel.Agent.Doctor.NetworkDoctorReport))]
public sealed partial class ApiJson : JsonSerializerContext;

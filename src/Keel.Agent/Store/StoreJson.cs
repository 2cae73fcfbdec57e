using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Model;

namespace Keel.Agent.Store;

/// <summary>What the leader key holds besides its lease and revisions.</summary>
public sealed record LeaderValue(string Name, DateTimeOffset AcquiredAt);

/// <summary>A member on the roster: added on purpose, kept when its agent's key expires.</summary>
public sealed record RosterEntry(string Name, string Host, int Port, DateTimeOffset AddedAt);

/// <summary>An operator's `keel reinit` (key reinit/NAME): when, and whether old datadirs go too (`--purge-old`).</summary>
public sealed record ReinitValue(DateTimeOffset RequestedAt, bool PurgeOld);

/// <summary>One leadership change, kept forever under history/.</summary>
public sealed record HistoryEntry(DateTimeOffset At, string? OldPrimary, string NewPrimary, string Reason, string Position);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MemberState))]
[JsonSerializable(typeof(LeaderValue))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(IReadOnlyList<HistoryEntry>))]
[JsonSerializable(typeof(RosterEntry))]
[JsonSerializable(typeof(ReinitValue))]
[JsonSerializable(typeof(ClusterRequest))]
[JsonSerializable(typeof(Keel.Core.Passwords.PasswordRotation))]
[JsonSerializable(typeof(StoreMemory))]
[JsonSerializable(typeof(Keel.Core.Fencing.FencePromise))]
[JsonSerializable(typeof(Keel.Core.Galera.GaleraBootstrapRecord))]
public sealed partial class StoreJson : JsonSerializerContext
{
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, typeof(T), Default);

    public static T? Read<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeof(T), Default) as T;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // ArgumentException: text that is not valid UTF-16 (found by the property tests).
            return null;
        }
    }
}

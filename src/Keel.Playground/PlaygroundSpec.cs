using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Playground;

/// <summary>One member of the playground: its name and its ports.</summary>
public sealed record PlaygroundMember(string Name, int ServerId, int MySqlPort, int ApiPort);

/// <summary>
/// The playground's topology: the embedded default that <c>keel up</c> uses, saved into its home on the first run
/// so that later commands (status, down, a second up) find the same ports.
/// </summary>
public sealed record PlaygroundSpec(
    string Cluster,
    IReadOnlyList<PlaygroundMember> Members,
    int EtcdClientPort,
    int EtcdPeerPort,
    int ReadWritePort,
    int ReadOnlyPort,
    string Ttl,
    string LoopInterval,
    string RequestTimeout,
    string AppUser,
    string AppPassword,
    string AppDatabase,
    string ApiToken)
{
    /// <summary>The embedded default: three members on loopback, ports from <paramref name="basePort"/> up.</summary>
    public static PlaygroundSpec Default(int basePort = 3400) => new(
        "playground",
        [
            new("m1", 1, basePort + 11, basePort + 21),
            new("m2", 2, basePort + 12, basePort + 22),
            new("m3", 3, basePort + 13, basePort + 23),
        ],
        EtcdClientPort: basePort + 31,
        EtcdPeerPort: basePort + 32,
        ReadWritePort: basePort + 1,
        ReadOnlyPort: basePort + 2,
        Ttl: "10s",
        LoopInterval: "1s",
        RequestTimeout: "2s",
        AppUser: "app",
        AppPassword: "app-secret",
        AppDatabase: "app",
        ApiToken: Guid.NewGuid().ToString("N"));

    public const string Host = "127.0.0.1";

    public string EtcdUrl => $"http://{Host}:{EtcdClientPort}";

    public IEnumerable<int> AllPorts() =>
        Members.SelectMany(m => new[] { m.MySqlPort, m.ApiPort }).Concat([EtcdClientPort, EtcdPeerPort, ReadWritePort, ReadOnlyPort]);

    public string ToJson() => JsonSerializer.Serialize(this, PlaygroundJson.Default.PlaygroundSpec);

    public static PlaygroundSpec FromJson(string json) =>
        JsonSerializer.Deserialize(json, PlaygroundJson.Default.PlaygroundSpec)
        ?? throw new InvalidDataException("the playground description is empty");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(PlaygroundSpec))]
internal sealed partial class PlaygroundJson : JsonSerializerContext;

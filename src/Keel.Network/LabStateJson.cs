using System.Text.Json.Serialization;

namespace Keel.Network;

/// <summary>Source-generated JSON for the state file (no reflection, stable camelCase names).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NetworkLabState))]
internal sealed partial class LabStateJson : JsonSerializerContext;

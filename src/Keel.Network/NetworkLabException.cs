namespace Keel.Network;

/// <summary>A lab could not be built, reopened or changed; the message names the command or the reason.</summary>
public sealed class NetworkLabException(string message) : Exception(message);

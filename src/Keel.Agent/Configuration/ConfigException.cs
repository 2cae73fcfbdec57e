namespace Keel.Agent.Configuration;

/// <summary>A configuration that cannot be used; the message names the file, the field and the reason.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message) { }

    public ConfigException(string message, Exception inner) : base(message, inner) { }

    public ConfigException() { }
}

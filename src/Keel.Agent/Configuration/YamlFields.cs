using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Keel.Agent.Configuration;

/// <summary>
/// Strict reading of one YAML mapping: every key must be read by the loader, so that a misspelt or unknown key is
/// an error that names its path and line instead of being silently ignored (YamlDotNet's object binder can reject
/// unknown keys but cannot report all problems with field paths at once).
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly List<string> _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlFields(YamlMappingNode node, string path, List<string> errors)
    {
        _node = node;
        _path = path;
        _errors = errors;
    }

    private string Field(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    private YamlNode? Get(string key)
    {
        _read.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private void Error(string key, string reason, YamlNode? at = null)
    {
        var line = (at ?? _node).Start.Line;
        _errors.Add($"field '{Field(key)}' (line {line}): {reason}");
    }

    public string? String(string key, bool required, string? fallback = null)
    {
        var node = Get(key);
        if (node is null)
        {
            if (required)
            {
                Error(key, "is required");
            }
            return fallback;
        }
        if (node is not YamlScalarNode { Value: { } value } || value.Length == 0)
        {
            Error(key, "must be a non-empty text value", node);
            return fallback;
        }
        return value;
    }

    public int Int(string key, bool required, int fallback, int min, int max)
    {
        var text = String(key, required);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Error(key, $"must be a whole number from {min} to {max}, not '{text}'", Get(key));
            return fallback;
        }
        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        var text = String(key, required: false);
        if (text is null)
        {
            return fallback;
        }
        if (!bool.TryParse(text, out var value))
        {
            Error(key, $"must be true or false, not '{text}'", Get(key));
            return fallback;
        }
        return value;
    }

    /// <summary>A duration such as <c>500ms</c>, <c>2s</c> or <c>1m</c>.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback)
    {
        var text = String(key, required: false);
        if (text is null)
        {
            return fallback;
        }
        if (!DurationText.TryParse(text, out var value))
        {
            Error(key, $"must be a duration like 500ms, 2s or 1m, not '{text}'", Get(key));
            return fallback;
        }
        return value;
    }

    public YamlFields? Section(string key, bool required)
    {
        var node = Get(key);
        if (node is null)
        {
            if (required)
            {
                Error(key, "is required");
            }
            return null;
        }
        if (node is not YamlMappingNode mapping)
        {
            Error(key, "must be a mapping of fields", node);
            return null;
        }
        return new YamlFields(mapping, Field(key), _errors);
    }

    public IReadOnlyList<string> StringList(string key, bool required)
    {
        var node = Get(key);
        switch (node)
        {
            case null:
                if (required)
                {
                    Error(key, "is required");
                }
                return [];
            case YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }):
                return seq.Children.Cast<YamlScalarNode>().Select(c => c.Value!).ToList();
            case YamlScalarNode { Value.Length: > 0 } one:
                return [one.Value!];
            default:
                Error(key, "must be a list of text values", node);
                return [];
        }
    }

    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var node = Get(key);
        if (node is null)
        {
            return new Dictionary<string, string>();
        }
        if (node is not YamlMappingNode mapping || !mapping.Children.All(kv => kv.Key is YamlScalarNode && kv.Value is YamlScalarNode))
        {
            Error(key, "must be a mapping of names to values", node);
            return new Dictionary<string, string>();
        }
        return mapping.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "", StringComparer.Ordinal);
    }

    public void Check(string key, bool ok, string reason)
    {
        if (!ok)
        {
            Error(key, reason, _node.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null);
        }
    }

    /// <summary>Reports every key of this mapping that no reader asked for.</summary>
    public void RejectUnknown()
    {
        foreach (var (keyNode, _) in _node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? keyNode.ToString();
            if (!_read.Contains(key))
            {
                _errors.Add($"field '{Field(key)}' (line {keyNode.Start.Line}): is not a known setting");
            }
        }
    }
}

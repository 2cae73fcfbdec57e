using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Keel.Agent.Configuration;
using Keel.Agent.Store;
using Keel.Core.Model;

namespace Keel.Agent.Tests;

/// <summary>
/// Property tests (FsCheck) over what reads input: a configuration file with any one line changed or any text at all,
/// and peer records as etcd might hold them. Nothing crashes; every refusal of a configuration names its field (or
/// says the YAML itself is broken).
/// </summary>
public class BadInputPropertyTests
{
    /// <summary>The reference configuration, and one with every optional section Keel reads.</summary>
    private static readonly string[][] Bases =
    [
        AgentConfigLoaderTests.Valid.Split('\n'),
        (AgentConfigLoaderTests.Valid + """

        auto_reinit: false
        clone:
          max_rate_mb: 100
          keep_old_copies: 2
        backup:
          repository: /var/backups/keel
          schedule: "0 3 * * *"
          retention:
            count: 7
            max_age_days: 30
          verify: true
          archive_binlogs: true
        disk:
          warn: 15%
          critical: 2GB
          handover: true
        binlogs:
          max_size: 10GB
          max_age: 7d
          check_interval: 30s
        """).Split('\n'),
    ];

    /// <summary>Text that turns up in configuration files and breaks parsers: YAML syntax, numbers, durations, sizes, URLs.</summary>
    private static readonly string[] Nasty =
    [
        "", " ", "~", "null", "-1", "0", "99999999999999999999", "1e309", "NaN", "true", "[", "]", "{", "}", "{}", "[]", ": :", "- -",
        "\"", "'", "'unterminated", "&anchor", "*alias", "!!binary x", "|", ">", "#", "%", "@", "`", "\t", "\\", "0s", "-5s", "1ms",
        "9999999999d", "1.5h", "10%", "101%", "-3%", "5GB", "1e3GB", "0x10", "http://", "http://[::1", "ftp://x", "://", "a,b,,c",
        "* * * * * *", "61 * * * *", "0 3 * * *", "\u0000", "\u00e9t\u00e9", "\ud800", new string('x', 5000),
    ];

    private static Arbitrary<string> NastyText() =>
        Gen.OneOf(Gen.Elements(Nasty), ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Any_one_line_changed_loads_or_is_refused_naming_the_field() =>
        Prop.ForAll(Gen.Elements(0, 1).SelectMany(b => Gen.Choose(0, Bases[b].Length - 1).Select(line => (b, line))).ToArbitrary(), NastyText(), Gen.Elements(0, 1, 2).ToArbitrary(), (at, text, how) =>
        {
            var (b, line) = at;
            var lines = Bases[b].ToList();
            switch (how)
            {
                case 0:
                    lines.RemoveAt(line);
                    break;
                case 1:
                    // The value after the key, or the whole line when it has none.
                    var colon = lines[line].IndexOf(':', StringComparison.Ordinal);
                    lines[line] = colon >= 0 ? lines[line][..(colon + 1)] + " " + text : text;
                    break;
                default:
                    lines.Insert(line, new string(' ', lines[line].Length - lines[line].TrimStart().Length) + text);
                    break;
            }
            return LoadsOrNamesTheField(string.Join('\n', lines));
        });

    [Property(MaxTest = 300)]
    public Property Any_text_at_all_loads_or_is_refused_with_a_reason() =>
        Prop.ForAll(NastyText(), LoadsOrNamesTheField);

    [Property(MaxTest = 500)]
    public Property A_peer_record_of_any_text_is_read_or_ignored_and_status_never_crashes() =>
        Prop.ForAll(NastyText(), NastyText(), (json, position) =>
        {
            var read = StoreJson.Read<MemberState>(json);
            // A record that parses but holds nonsense positions: keel status shows it without crashing.
            var member = (read ?? new MemberState { Name = "m2", Host = "h", Port = 1, ApiUrl = "" }) with { BinlogPosition = position, ReceivedPosition = position };
            var view = new ClusterView("m1", null, ImmutableDictionary<string, MemberState>.Empty.Add(member.Name ?? "m2", member));
            _ = Keel.Core.Status.ClusterStatus.From("prod", view, []);
            return true;
        });

    private static bool LoadsOrNamesTheField(string yaml)
    {
        try
        {
            AgentConfigLoader.Parse(yaml, "agent.yaml");
            return true;
        }
        catch (ConfigException ex)
        {
            return ex.Message.StartsWith("agent.yaml: ", StringComparison.Ordinal)
                && (ex.Message.Contains("field '", StringComparison.Ordinal)
                    || ex.Message.Contains("not valid YAML", StringComparison.Ordinal)
                    || ex.Message.Contains("must be a YAML mapping", StringComparison.Ordinal));
        }
    }
}

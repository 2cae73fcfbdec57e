using System.Diagnostics;
using System.Globalization;
using System.Text;
using Keel.Core.Model;
using Keel.Os;

namespace Keel.Bench.Faults;

/// <summary>
/// Faults on a cluster the benchmark does not run itself: each action is a shell command the operator gives
/// (`--fault kill-server='ssh {host} sudo kill -9 {server_pid}'`), with the member's published facts filled in.
/// </summary>
public sealed class CommandFaults : IFaultInjector
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly IReadOnlyDictionary<FaultAction, string> _templates;

    public CommandFaults(IReadOnlyDictionary<FaultAction, string> templates) => _templates = templates;

    /// <summary>The placeholders a template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["{member}", "{host}", "{port}", "{server_pid}", "{agent_pid}", "{api}"];

    /// <summary>
    /// Reads `NAME=COMMAND` pairs; the error names the bad pair and the reason, and nothing is returned with it.
    /// </summary>
    public static (IReadOnlyDictionary<FaultAction, string> Templates, string? Error) Parse(IEnumerable<string> pairs)
    {
        var templates = new Dictionary<FaultAction, string>();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return (new Dictionary<FaultAction, string>(), $"--fault '{pair}' is not NAME=COMMAND (names: {string.Join(", ", FaultActionNames.All)})");
            }
            var name = pair[..eq].Trim();
            var command = pair[(eq + 1)..].Trim();
            if (!FaultActionNames.TryParse(name, out var action))
            {
                return (new Dictionary<FaultAction, string>(), $"--fault '{name}' is not a fault action (names: {string.Join(", ", FaultActionNames.All)})");
            }
            if (command.Length == 0)
            {
                return (new Dictionary<FaultAction, string>(), $"--fault {name} has an empty command");
            }
            if (!templates.TryAdd(action, command))
            {
                return (new Dictionary<FaultAction, string>(), $"--fault {name} is given twice");
            }
        }
        return (templates, null);
    }

    /// <summary>The command for <paramref name="member"/>; a placeholder whose fact the member did not publish is an error.</summary>
    public static string Expand(string template, MemberState member)
    {
        var sb = new StringBuilder(template);
        Replace(sb, "{member}", member.Name);
        Replace(sb, "{host}", member.Host);
        Replace(sb, "{port}", member.Port.ToString(CultureInfo.InvariantCulture));
        Replace(sb, "{api}", member.ApiUrl);
        if (template.Contains("{server_pid}", StringComparison.Ordinal))
        {
            Replace(sb, "{server_pid}", member.ServerPid?.ToString(CultureInfo.InvariantCulture)
                ?? throw new InvalidOperationException($"{member.Name} published no server pid for {{server_pid}} (its server is not running)"));
        }
        if (template.Contains("{agent_pid}", StringComparison.Ordinal))
        {
            Replace(sb, "{agent_pid}", member.AgentPid?.ToString(CultureInfo.InvariantCulture)
                ?? throw new InvalidOperationException($"{member.Name} published no agent pid for {{agent_pid}}"));
        }
        return sb.ToString();
    }

    public string? CannotRun(FaultAction action) =>
        _templates.ContainsKey(action) ? null : $"it needs --fault {FaultActionNames.Name(action)}=COMMAND";

    public async Task RunAsync(FaultAction action, MemberState member, CancellationToken ct)
    {
        if (!_templates.TryGetValue(action, out var template))
        {
            throw new InvalidOperationException($"no command for the fault action {FaultActionNames.Name(action)}");
        }
        var command = Expand(template, member);
        var psi = ExternalPrograms.StartInfo("sh", ["-c", command]);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start sh for: {command}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the {FaultActionNames.Name(action)} command for {member.Name} did not finish in {Timeout.TotalSeconds:0} s: {command}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"the {FaultActionNames.Name(action)} command for {member.Name} exited with {process.ExitCode}: {command}: {(await stderr).Trim()} {(await stdout).Trim()}".TrimEnd());
        }
    }

    private static void Replace(StringBuilder sb, string placeholder, string value) =>
        sb.Replace(placeholder, Keel.Playground.ProcessTools.ShellQuote(value));
}

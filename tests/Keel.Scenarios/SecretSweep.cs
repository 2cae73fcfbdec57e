using System.Text;
using Keel.Playground;

namespace Keel.Scenarios;

/// <summary>
/// Looks for a playground's passwords and token where none may be: any process's arguments (what ps shows every
/// local user), every file under its home but the few that must hold them (0600), CLI output and REST answers.
/// </summary>
internal static class SecretSweep
{
    /// <summary>The files that hold secrets by design: each must be its owner's only.</summary>
    public static IEnumerable<string> SecretFiles(PlaygroundLayout layout, PlaygroundSpec spec) =>
        new[] { layout.SpecFile, layout.ClientCnf }
            .Concat(spec.Members.Select(m => layout.MemberConfig(m.Name)))
            .Concat(spec.Members.Select(m => Path.Combine(layout.MemberRun(m.Name), "my.cnf")))
            .Concat(spec.Members.Select(m => Path.Combine(layout.MemberRun(m.Name), "archiver.cnf")))
            .Where(File.Exists);

    /// <summary>
    /// Every other file under the home, as text (bytes read as Latin-1, so binary files such as etcd's database are
    /// searched too). Datadirs and backups are left out: MariaDB itself keeps the replication password in a datadir's
    /// master.info, which is why member directories and the backup repository are 0700.
    /// </summary>
    public static IEnumerable<(string Where, string Text)> OtherFiles(PlaygroundLayout layout, PlaygroundSpec spec)
    {
        var allowed = SecretFiles(layout, spec).ToHashSet(StringComparer.Ordinal);
        var skipped = spec.Members.Select(m => layout.MemberData(m.Name)).Append(layout.Backups).ToList();
        foreach (var file in Directory.EnumerateFiles(layout.Home, "*", SearchOption.AllDirectories))
        {
            if (allowed.Contains(file) || file.EndsWith(".tmp", StringComparison.Ordinal)
                || skipped.Any(d => file.StartsWith(d, StringComparison.Ordinal)) || new FileInfo(file) is not { Length: < 64 << 20 } info
                || (info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) != 0)
            {
                continue;
            }
            string text;
            try
            {
                text = Encoding.Latin1.GetString(File.ReadAllBytes(file));
            }
            catch (IOException)
            {
                continue; // a socket or a file that went away meanwhile
            }
            yield return (file, text);
        }
    }

    /// <summary>Each place where one of <paramref name="secrets"/> appears, naming the secret by its index only.</summary>
    public static List<string> Leaks(IEnumerable<(string Where, string Text)> texts, IReadOnlyList<string> secrets) =>
        [.. texts.SelectMany(t => secrets.Select((s, i) => (s, i)).Where(x => t.Text.Contains(x.s, StringComparison.Ordinal)).Select(x => $"secret #{x.i} in {t.Where}"))];
}

/// <summary>Samples every process's command line (/proc/PID/cmdline, what ps shows) every 50 ms until disposed.</summary>
internal sealed class ProcessArguments : IAsyncDisposable
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private ProcessArguments() => _sampling = Task.Run(SampleAsync);

    public static ProcessArguments Start() => new();

    /// <summary>Every distinct command line seen so far (arguments joined by spaces).</summary>
    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out _))
                {
                    continue;
                }
                try
                {
                    var line = (await File.ReadAllTextAsync(Path.Combine(dir, "cmdline"))).Replace('\0', ' ').Trim();
                    if (line.Length > 0)
                    {
                        lock (_seen)
                        {
                            _seen.Add(line);
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The process ended between the listing and the read.
                }
            }
            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}

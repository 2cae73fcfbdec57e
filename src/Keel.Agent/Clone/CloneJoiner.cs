using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Keel.MySql.Server;

namespace Keel.Agent.Clone;

/// <summary>What a finished clone left: the copy's GTID position, its size and time, and where an older datadir went.</summary>
public sealed record CloneResult(string GtidPosition, long Bytes, TimeSpan Took, string? OldDataDirMovedTo);

/// <summary>
/// The joiner's side of a clone. The copy is extracted and prepared in DATADIR.clone and only renamed to the datadir
/// once complete, so a server never starts on a half-copied datadir: a clone cut short (donor died, joiner killed)
/// leaves only DATADIR.clone, Keel's own unfinished copy, which the next try removes and starts again. An existing
/// datadir is never deleted: it is moved aside and the new path is returned.
/// </summary>
public sealed class CloneJoiner(HttpClient http, string? token, TimeProvider time, Action<string> progress, Func<string, long>? freeSpace = null,
    Action<long, long>? bytes = null)
{
    private readonly Func<string, long> _freeSpace = freeSpace ?? (dir => new DriveInfo(dir).AvailableFreeSpace);

    /// <summary>A stream that delivers nothing for this long is given up (the donor hung).</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan SizeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    /// <summary>Free space a copy must leave: 10 % more than the donor's datadir (prepare writes some more).</summary>
    public const double SpaceFactor = 1.1;

    public static string CloneDir(string dataDir) => Path.TrimEndingDirectorySeparator(dataDir) + ".clone";

    public async Task<CloneResult> CloneAsync(string donor, string donorApiUrl, string dataDir, long? maxBytesPerSecond, CancellationToken ct)
    {
        if (token is null)
        {
            throw new CloneRefusedException("this agent has no api.token, and a donor serves a copy only to a caller with the cluster's token");
        }
        var started = Stopwatch.StartNew();
        var size = await DonorSizeAsync(donorApiUrl, ct);
        var target = CloneDir(dataDir);
        var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(parent);
        var free = _freeSpace(parent);
        var needed = (long)(size * SpaceFactor);
        if (needed > free)
        {
            throw new CloneRefusedException($"not enough disk space to clone from {donor}: the copy needs {Mb(needed)} ({Mb(size)} plus 10 %) and {parent} has {Mb(free)} free");
        }
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
            progress($"removed {target}, an unfinished copy from an earlier clone that was cut short");
        }

        using var extract = MariaBackup.StartExtract(target);
        var extractErrors = extract.StandardError.ReadToEndAsync(CancellationToken.None);
        long bytes;
        try
        {
            bytes = await ReceiveAsync(donor, donorApiUrl, size, maxBytesPerSecond, extract.StandardInput.BaseStream, ct);
            extract.StandardInput.Close();
            await extract.WaitForExitAsync(ct);
        }
        finally
        {
            if (!extract.HasExited)
            {
                extract.Kill(entireProcessTree: true);
            }
        }
        if (extract.ExitCode != 0)
        {
            throw new CloneStreamException($"mbstream -x exited with code {extract.ExitCode}: {MariaBackup.LastLines(await extractErrors)}");
        }

        progress($"received {Mb(bytes)} from {donor} in {started.Elapsed.TotalSeconds:0.0} s; preparing the copy");
        await MariaBackup.PrepareAsync(target, ct);
        var gtid = MariaBackup.ReadGtidPosition(target);

        string? aside = null;
        if (Directory.Exists(dataDir))
        {
            if (Directory.EnumerateFileSystemEntries(dataDir).Any())
            {
                aside = Keel.Core.Clone.OldCopies.AsidePath(dataDir, ".before-clone-", time.GetUtcNow());
                Directory.Move(dataDir, aside);
            }
            else
            {
                Directory.Delete(dataDir);
            }
        }
        Directory.Move(target, dataDir);
        return new CloneResult(gtid, bytes, started.Elapsed, aside);
    }

    private async Task<long> DonorSizeAsync(string donorApiUrl, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(SizeTimeout);
        using var request = Request(donorApiUrl, "/clone/size");
        using var response = await http.SendAsync(request, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        return response.IsSuccessStatusCode && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw new CloneStreamException($"the donor at {donorApiUrl} did not say its size ({(int)response.StatusCode}: {text.Trim()})");
    }

    private async Task<long> ReceiveAsync(string donor, string donorApiUrl, long size, long? maxBytesPerSecond, Stream into, CancellationToken ct)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stall.CancelAfter(StallTimeout);
        var path = "/clone/stream" + (maxBytesPerSecond is { } rate ? $"?max_rate={rate.ToString(CultureInfo.InvariantCulture)}" : "");
        using var request = Request(donorApiUrl, path);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new CloneStreamException($"{donor} refused the clone ({(int)response.StatusCode}): {(await response.Content.ReadAsStringAsync(stall.Token)).Trim()}");
            }
            await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            var received = 0L;
            try
            {
                return await CloneFrames.ReadAsync(body, async chunk =>
                {
                    await into.WriteAsync(chunk, stall.Token);
                    received += chunk.Length;
                    stall.CancelAfter(StallTimeout);
                    if (clock.Elapsed - lastReport >= ProgressEvery)
                    {
                        lastReport = clock.Elapsed;
                        progress(Progress(donor, received, size, clock.Elapsed));
                        bytes?.Invoke(received, size);
                    }
                }, stall.Token);
            }
            finally
            {
                bytes?.Invoke(0, 0);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException && !ct.IsCancellationRequested)
        {
            throw new CloneStreamException($"the clone stream from {donor} broke: {ex.Message}", ex);
        }
    }

    private HttpRequestMessage Request(string apiUrl, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, apiUrl.TrimEnd('/') + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>"cloning from m2: 120.5 MB of 300.0 MB (40 %), 55.2 MB/s, about 3 s left" (the size is the donor's datadir, an estimate).</summary>
    public static string Progress(string donor, long received, long size, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? received / elapsed.TotalSeconds : 0;
        var percent = size > 0 ? Math.Min(100, 100.0 * received / size) : 0;
        var eta = rate > 0 && size > received ? $"about {(size - received) / rate:0} s left" : "finishing";
        return string.Create(CultureInfo.InvariantCulture, $"cloning from {donor}: {Mb(received)} of {Mb(size)} ({percent:0} %), {rate / 1e6:0.0} MB/s, {eta}");
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");
}

/// <summary>A clone that may not start (no token, not enough disk): nothing was changed.</summary>
public sealed class CloneRefusedException(string message) : Exception(message);

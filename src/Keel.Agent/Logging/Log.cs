using Microsoft.Extensions.Logging;

namespace Keel.Agent.Logging;

/// <summary>
/// Every log line the agent writes, source-generated. Event ids: 1xx the HA loop, 2xx the executor, 3xx etcd,
/// 4xx the local server, 5xx the API and proxy.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "{Member}: {Action}: {Reason}")]
    public static partial void Decided(this ILogger logger, string member, string action, string reason);

    [LoggerMessage(101, LogLevel.Error, "{Member}: unexpected error in an HA tick, please report it as a bug")]
    public static partial void TickFailed(this ILogger logger, string member, Exception ex);

    [LoggerMessage(102, LogLevel.Information, "{Member}: agent started (pid {Pid}); API on {Api}; etcd {Etcd}")]
    public static partial void Started(this ILogger logger, string member, int pid, string api, string etcd);

    [LoggerMessage(103, LogLevel.Information, "{Member}: agent stopping; the local server keeps running")]
    public static partial void Stopping(this ILogger logger, string member);

    [LoggerMessage(200, LogLevel.Warning, "{Member}: could not {Action}: {Error}")]
    public static partial void ActionFailed(this ILogger logger, string member, string action, string error);

    [LoggerMessage(201, LogLevel.Information, "{Member}: {Outcome}")]
    public static partial void ActionDone(this ILogger logger, string member, string outcome);

    [LoggerMessage(300, LogLevel.Warning, "{Member}: etcd is unreachable: {Error}")]
    public static partial void EtcdUnreachable(this ILogger logger, string member, string error);

    [LoggerMessage(301, LogLevel.Information, "{Member}: new etcd session with lease {Lease:x} (ttl {Ttl} s)")]
    public static partial void SessionStarted(this ILogger logger, string member, long lease, double ttl);

    [LoggerMessage(302, LogLevel.Warning, "{Member}: the etcd session lease {Lease:x} was lost")]
    public static partial void SessionLost(this ILogger logger, string member, long lease);

    [LoggerMessage(305, LogLevel.Warning, "{Member}: could not renew the etcd session lease {Lease:x} (last renewed {Since:0.0} s ago): {Error}")]
    public static partial void RenewalFailed(this ILogger logger, string member, long lease, double since, string error);

    [LoggerMessage(400, LogLevel.Warning, "{Member}: the local server process {Pid} is gone")]
    public static partial void ServerGone(this ILogger logger, string member, int pid);

    [LoggerMessage(500, LogLevel.Warning, "{Member}: could not update HAProxy: {Error}")]
    public static partial void ProxyFailed(this ILogger logger, string member, string error);

    [LoggerMessage(303, LogLevel.Warning, "{Member}: {Observation}")]
    public static partial void StoreRewound(this ILogger logger, string member, string observation);

    [LoggerMessage(304, LogLevel.Warning, "{Member}: could not keep the store memory in {Path}: {Error}")]
    public static partial void StoreMemoryNotSaved(this ILogger logger, string member, string path, string error);

    [LoggerMessage(700, LogLevel.Information, "{Member}: {Progress}")]
    public static partial void CloneProgress(this ILogger logger, string member, string progress);

    [LoggerMessage(800, LogLevel.Information, "{Member}: {Sentence}")]
    public static partial void BackupDecision(this ILogger logger, string member, string sentence);

    [LoggerMessage(801, LogLevel.Warning, "{Member}: {Sentence}")]
    public static partial void BackupFailed(this ILogger logger, string member, string sentence);

    [LoggerMessage(810, LogLevel.Information, "{Member}: {Sentence}")]
    public static partial void ArchiveDecision(this ILogger logger, string member, string sentence);

    [LoggerMessage(811, LogLevel.Warning, "{Member}: {Sentence}")]
    public static partial void ArchiveProblem(this ILogger logger, string member, string sentence);

    [LoggerMessage(820, LogLevel.Information, "{Member}: {Sentence}")]
    public static partial void BinlogRetentionDecision(this ILogger logger, string member, string sentence);

    [LoggerMessage(821, LogLevel.Warning, "{Member}: {Sentence}")]
    public static partial void BinlogRetentionProblem(this ILogger logger, string member, string sentence);

    [LoggerMessage(600, LogLevel.Information, "{Member}: watchdog started (pid {Pid}); it reads the agent's promise in {Path}")]
    public static partial void WatchdogStarted(this ILogger logger, string member, int pid, string path);

    [LoggerMessage(601, LogLevel.Warning, "{Member}: watchdog: {Outcome}")]
    public static partial void Fenced(this ILogger logger, string member, string outcome);

    [LoggerMessage(510, LogLevel.Warning, "{Member}: refused {Method} {Path} from {Address}: missing or wrong API token ({Failures} failure(s) from there within 30 s; at 5 that address waits)")]
    public static partial void AuthenticationFailed(this ILogger logger, string member, string method, string path, string address, int failures);

    [LoggerMessage(520, LogLevel.Information, "{Member}: the certificate files changed ({Cert}); the server reloaded them (FLUSH SSL) for new connections")]
    public static partial void CertificatesReloaded(this ILogger logger, string member, string cert);

    [LoggerMessage(521, LogLevel.Warning, "{Member}: the certificate files changed but the server did not reload them yet: {Error}")]
    public static partial void CertificatesNotReloaded(this ILogger logger, string member, string error);

    [LoggerMessage(530, LogLevel.Information, "{Member}: labelled pod {Namespace}/{Pod} {Labels}, so the Services route to it as that")]
    public static partial void PodLabelled(this ILogger logger, string member, string @namespace, string pod, string labels);

    [LoggerMessage(531, LogLevel.Warning, "{Member}: could not label pod {Namespace}/{Pod} {Labels}: {Error}; trying again")]
    public static partial void PodNotLabelled(this ILogger logger, string member, string @namespace, string pod, string labels, string error);
}

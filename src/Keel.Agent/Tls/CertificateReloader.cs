using Keel.Agent.Configuration;
using Keel.Agent.Logging;
using Keel.Agent.Server;
using Keel.MySql;
using Microsoft.Extensions.Logging;

namespace Keel.Agent.Tls;

/// <summary>
/// Certificates renewed on disk take effect without a restart: every <see cref="CheckEvery"/> the agent compares the
/// files' modification times and sizes with what it saw, and on a change runs MariaDB's <c>FLUSH SSL</c>, which makes
/// the server read them again for new connections. Replication and Keel's own clients read the CA file at each
/// connection, so they follow by themselves.
/// </summary>
public sealed class CertificateReloader(TlsConfig tls, LocalConnection sql, string member, TimeProvider time, ILogger log)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken ct)
    {
        var seen = Stamp();
        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = Stamp();
                if (now == seen)
                {
                    continue;
                }
                try
                {
                    await sql.QueryAsync("FLUSH SSL", ct);
                    log.CertificatesReloaded(member, tls.Cert);
                    seen = now;
                }
                catch (MySqlException ex)
                {
                    // The server may be down or restarting (it reads the files at start anyway); tried again next time.
                    log.CertificatesNotReloaded(member, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string Stamp() => Keel.Os.Tls.FileStamp.Of(tls.Ca, tls.Cert, tls.Key);
}

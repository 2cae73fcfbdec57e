using Cronos;
using Keel.Core.Backup;

namespace Keel.Agent.Backup;

/// <summary>`backup.schedule: "0 3 * * *"`: a standard five-field cron expression (UTC), parsed by Cronos.</summary>
public sealed class CronSchedule : IBackupSchedule
{
    private static readonly TimeSpan[] Windows = [TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(367)];
    private readonly CronExpression _expression;
    private readonly string _text;

    private CronSchedule(CronExpression expression, string text)
    {
        _expression = expression;
        _text = text;
    }

    public static bool TryParse(string text, out CronSchedule schedule, out string why)
    {
        try
        {
            schedule = new CronSchedule(CronExpression.Parse(text, CronFormat.Standard), text);
            why = "";
            return true;
        }
        catch (CronFormatException ex)
        {
            schedule = null!;
            why = ex.Message;
            return false;
        }
    }

    /// <summary>The latest occurrence at or before <paramref name="now"/>, searched back in growing windows (the epoch if none within a year).</summary>
    public DateTimeOffset SlotAt(DateTimeOffset now)
    {
        var to = now.UtcDateTime;
        foreach (var window in Windows)
        {
            var last = _expression.GetOccurrences(to - window, to, TimeZoneInfo.Utc, fromInclusive: true, toInclusive: true).LastOrDefault();
            if (last != default)
            {
                return new DateTimeOffset(last, TimeSpan.Zero);
            }
        }
        return DateTimeOffset.UnixEpoch;
    }

    public string Description => $"cron '{_text}' (UTC)";
}

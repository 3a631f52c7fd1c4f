namespace VibeDashboard.Aggregation;

/// <summary>
/// What pages and the hub consume from the aggregator. Signal, then pull: <see cref="Subscribe"/> carries no
/// data; after a signal, read <see cref="Current"/> (or query). Signals may be merged or dropped harmlessly.
/// </summary>
public interface IMetricsFeed
{
    Snapshot Current { get; }

    IDisposable Subscribe(Func<Task> onChange);

    /// <summary>A metric's time series: 1-minute points for ranges up to 24 h, hourly points beyond.</summary>
    IReadOnlyList<SeriesPoint> Series(string metricKey, DashboardRange range, string? tier = null);

    /// <summary>An SLO over the range: per point SLI, burn rate and the 30-day error budget remaining at that time.</summary>
    IReadOnlyList<SloPoint> SloSeries(string sloKey, DashboardRange range);

    /// <summary>Alert state changes of one SLO, newest first.</summary>
    IReadOnlyList<AlertTransition> AlertHistory(string sloKey);

    /// <summary>
    /// The worst offenders of a kind over the range, most first. SQL over the store, run off the caller's thread
    /// (a page's render thread must never wait for it); briefly cached.
    /// </summary>
    Task<IReadOnlyList<Offender>> TopOffendersAsync(OffenderKind kind, DashboardRange range, int count = 10, CancellationToken cancellationToken = default);
}

public sealed record SeriesPoint(DateTimeOffset At, double? Value, long Count, double? P50, double? P95, double? P99);

public sealed record SloPoint(DateTimeOffset At, double? Sli, double? BurnRate, double? BudgetRemaining);

public sealed record AlertTransition(DateTimeOffset At, string SloKey, AlertState From, AlertState To, string Reason);

public sealed record Offender(string Key, long Count, string? Detail);

public enum OffenderKind
{
    AppsByFixLoops,
    IpsByAuthFailures,
    LimiterKeysByBreaches,
}

/// <summary>The time ranges a page can show; <c>?range=1h|6h|24h|7d|30d</c> in the URL.</summary>
public enum DashboardRange
{
    OneHour,
    SixHours,
    Day,
    Week,
    Month,
}

public static class DashboardRanges
{
    public static readonly IReadOnlyList<DashboardRange> All = [DashboardRange.OneHour, DashboardRange.SixHours, DashboardRange.Day, DashboardRange.Week, DashboardRange.Month];

    public static string ToQuery(this DashboardRange range) => range switch
    {
        DashboardRange.OneHour => "1h",
        DashboardRange.SixHours => "6h",
        DashboardRange.Day => "24h",
        DashboardRange.Week => "7d",
        _ => "30d",
    };

    public static DashboardRange Parse(string? query, DashboardRange fallback = DashboardRange.SixHours) => query switch
    {
        "1h" => DashboardRange.OneHour,
        "6h" => DashboardRange.SixHours,
        "24h" => DashboardRange.Day,
        "7d" => DashboardRange.Week,
        "30d" => DashboardRange.Month,
        _ => fallback,
    };

    public static TimeSpan Length(this DashboardRange range) => range switch
    {
        DashboardRange.OneHour => TimeSpan.FromHours(1),
        DashboardRange.SixHours => TimeSpan.FromHours(6),
        DashboardRange.Day => TimeSpan.FromDays(1),
        DashboardRange.Week => TimeSpan.FromDays(7),
        _ => TimeSpan.FromDays(30),
    };

    /// <summary>Series resolution: minutes up to a day, hours beyond (the aggregator keeps 24 h of minutes).</summary>
    public static TimeSpan Step(this DashboardRange range) => range.Length() <= TimeSpan.FromDays(1) ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1);
}

using System.ComponentModel.DataAnnotations;

namespace VibeDashboard.Configuration;

/// <summary>Readiness and freshness thresholds (section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary><c>/readyz</c> fails when the newest event is older than this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan MaxDataAge { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Pages show a stale-data banner when the newest event is older than this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(10);
}

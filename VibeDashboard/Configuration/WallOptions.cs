using System.ComponentModel.DataAnnotations;

namespace VibeDashboard.Configuration;

/// <summary>
/// The war-room wall (section <c>Wall</c>): <c>/wall</c>, and any page opened with <c>?rotate=…&amp;pages=…</c>.
/// Such a screen runs unattended for weeks, and a Blazor Server dashboard fed live data for more than a day can wedge
/// (the Aspire dashboard's issue #16695: after about 35 h its UI stopped rendering while the connection stayed up),
/// so it reloads itself cleanly now and then: a fresh page and a fresh circuit.
/// </summary>
public sealed class WallOptions
{
    public const string Section = "Wall";

    /// <summary>
    /// A clean reload of the page this long after it was loaded, at the first quiet moment (connected, the server
    /// answering, nothing on the wall changed for <see cref="QuietFor"/>). Keep it below half of
    /// <c>Auth:SessionLifetime</c>: the reload is the request that renews the wall's sliding session cookie.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ReloadEvery { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long the wall's incidents and rollout must stay unchanged before a periodic reload may happen.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan QuietFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Open incidents listed at most (the worst first); the rest are counted as "+N more" so the wall never scrolls.</summary>
    [Range(1, 20)]
    public int MaxIncidents { get; set; } = 6;
}

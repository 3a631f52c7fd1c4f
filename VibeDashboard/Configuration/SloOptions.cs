namespace VibeDashboard.Configuration;

public enum SliKind
{
    /// <summary>Good events / selected events; good = not a failure event type, status not 'error' (or = GoodStatus).</summary>
    Ratio,

    /// <summary>Share of selected events that are good as for <see cref="Ratio"/> and have a duration_ms under the threshold.</summary>
    Latency,
}

/// <summary>One SLO (an entry of the <c>Slos</c> list).</summary>
public sealed class SloDefinition
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public SliKind Sli { get; set; } = SliKind.Ratio;

    /// <summary>The ops_events event types the SLI counts.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>Only events from this source (null: any).</summary>
    public string? Source { get; set; }

    /// <summary>Only events with an app_id (an agent error outside an app is not a failed generation).</summary>
    public bool RequireAppId { get; set; }

    /// <summary>Target share of good events, e.g. 0.999.</summary>
    public double Objective { get; set; }

    /// <summary>Latency SLIs: an event is good when its duration_ms is under this.</summary>
    public double? ThresholdMs { get; set; }

    /// <summary>The SLO window (budget and SLI); one of the window names, "30d" by default.</summary>
    public string Window { get; set; } = "30d";

    /// <summary>
    /// When set, only events with this status are good (a probe is up only with status <c>ok</c>, not without one);
    /// when null, any status but <c>error</c> is good. Compared case-insensitively, like <c>error</c>.
    /// </summary>
    public string? GoodStatus { get; set; }

    /// <summary>
    /// Event types of <see cref="Events"/> that are always bad, whatever their status and duration, on top of
    /// <see cref="FailedEventTypes"/>.
    /// </summary>
    public List<string> FailureEvents { get; set; } = [];

    /// <summary>
    /// Event types that say the thing failed: a bad event in every SLO that selects them, whatever their status or
    /// duration, as the metrics count them (a failed deploy is a failed start in <c>preview_startup_failure_rate</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> FailedEventTypes = ["deployment_failed", "migration_failed"];

    public bool Matches(string eventType, string? source, string? appId) =>
        Events.Contains(eventType, StringComparer.Ordinal)
        && (Source is null || string.Equals(Source, source, StringComparison.Ordinal))
        && (!RequireAppId || !string.IsNullOrEmpty(appId));

    public bool IsGood(string eventType, string? status, double? durationMs) =>
        !FailedEventTypes.Contains(eventType, StringComparer.Ordinal)
        && !FailureEvents.Contains(eventType, StringComparer.Ordinal)
        && (GoodStatus is null
            ? !string.Equals(status, "error", StringComparison.OrdinalIgnoreCase)
            : string.Equals(status, GoodStatus, StringComparison.OrdinalIgnoreCase))
        && (Sli == SliKind.Ratio || (durationMs is { } d && d < ThresholdMs));
}

/// <summary>The <c>Slos</c> section: a list of SLOs; the defaults apply when the section is absent.</summary>
public sealed class SloOptions
{
    public const string Section = "Slos";

    public List<SloDefinition> Items { get; set; } = [];

    public static IReadOnlyList<SloDefinition> Defaults =>
    [
        new() { Key = "availability", Name = "Availability", Sli = SliKind.Ratio, Events = ["probe"], GoodStatus = "ok", Objective = 0.999 },
        new() { Key = "generation_completion", Name = "Generation completion", Sli = SliKind.Ratio, Events = ["generation_complete", "error"], Source = "agent", RequireAppId = true, Objective = 0.95 },
        new() { Key = "preview_startup", Name = "Preview startup under 10 s", Sli = SliKind.Latency, Events = ["deployment_completed", "deployment_failed"], Objective = 0.99, ThresholdMs = 10_000 },
        new() { Key = "d1_query_latency", Name = "D1 query under 100 ms", Sli = SliKind.Latency, Events = ["d1_query"], Objective = 0.99, ThresholdMs = 100 },
        new() { Key = "provider_success", Name = "Provider calls succeed", Sli = SliKind.Ratio, Events = ["llm_call"], Objective = 0.99 },
    ];

    /// <summary>The configured SLOs, or the defaults when none are configured.</summary>
    public IReadOnlyList<SloDefinition> Effective => Items.Count > 0 ? Items : Defaults;
}

using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;

namespace VibeDashboard.Configuration;

public enum SliKind
{
    /// <summary>Good events / selected events; good = status not 'error'.</summary>
    Ratio,

    /// <summary>Share of selected events with status not 'error' and duration_ms under the threshold.</summary>
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

    public bool Matches(string eventType, string? source, string? appId) =>
        Events.Contains(eventType, StringComparer.Ordinal)
        && (Source is null || string.Equals(Source, source, StringComparison.Ordinal))
        && (!RequireAppId || !string.IsNullOrEmpty(appId));

    public bool IsGood(string? status, double? durationMs) =>
        !string.Equals(status, "error", StringComparison.OrdinalIgnoreCase)
        && (Sli == SliKind.Ratio || (durationMs is { } d && d < ThresholdMs));
}

/// <summary>The <c>Slos</c> section: a list of SLOs; the defaults apply when the section is absent.</summary>
public sealed class SloOptions
{
    public const string Section = "Slos";

    public List<SloDefinition> Items { get; set; } = [];

    public static IReadOnlyList<SloDefinition> Defaults =>
    [
        new() { Key = "availability", Name = "Availability", Sli = SliKind.Ratio, Events = ["probe"], Objective = 0.999 },
        new() { Key = "generation_completion", Name = "Generation completion", Sli = SliKind.Ratio, Events = ["generation_complete", "error"], Source = "agent", RequireAppId = true, Objective = 0.95 },
        new() { Key = "preview_startup", Name = "Preview startup under 10 s", Sli = SliKind.Latency, Events = ["deployment_completed", "deployment_failed"], Objective = 0.99, ThresholdMs = 10_000 },
        new() { Key = "d1_query_latency", Name = "D1 query under 100 ms", Sli = SliKind.Latency, Events = ["d1_query"], Objective = 0.99, ThresholdMs = 100 },
        new() { Key = "provider_success", Name = "Provider calls succeed", Sli = SliKind.Ratio, Events = ["llm_call"], Objective = 0.99 },
    ];

    /// <summary>The configured SLOs, or the defaults when none are configured.</summary>
    public IReadOnlyList<SloDefinition> Effective => Items.Count > 0 ? Items : Defaults;
}

/// <summary>Stops the app at start with a message naming the offending key (<c>Slos:2:Objective</c>).</summary>
public sealed class SloOptionsValidator : IValidateOptions<SloOptions>
{
    public ValidateOptionsResult Validate(string? name, SloOptions options)
    {
        var errors = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Items.Count; i++)
        {
            var slo = options.Items[i];
            var at = $"{SloOptions.Section}:{i}";
            if (string.IsNullOrWhiteSpace(slo.Key))
            {
                errors.Add($"{at}:Key is required");
            }
            else if (!keys.Add(slo.Key))
            {
                errors.Add($"{at}:Key '{slo.Key}' is used twice");
            }

            if (slo.Events.Count == 0)
            {
                errors.Add($"{at}:Events must name at least one event type");
            }

            if (!(slo.Objective > 0 && slo.Objective < 1))
            {
                errors.Add($"{at}:Objective must be a fraction between 0 and 1 exclusive (e.g. 0.999), got {slo.Objective}");
            }

            if (slo.Sli == SliKind.Latency && !(slo.ThresholdMs > 0))
            {
                errors.Add($"{at}:ThresholdMs must be positive for a latency SLI");
            }

            if (!VibeDashboard.Aggregation.Windows.All.Any(w => w.Name == slo.Window))
            {
                errors.Add($"{at}:Window must be one of {string.Join(", ", VibeDashboard.Aggregation.Windows.All.Select(w => w.Name))}, got '{slo.Window}'");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

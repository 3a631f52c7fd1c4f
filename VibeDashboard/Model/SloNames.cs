using System.Globalization;
using VibeDashboard.Aggregation;

namespace VibeDashboard.Model;

/// <summary>What the UI needs to know about an SLO beyond the snapshot: the metric it is measured on.</summary>
public static class SloCatalog
{
    public const string Availability = "availability";
    public const string GenerationCompletion = "generation_completion";
    public const string PreviewStartup = "preview_startup";
    public const string D1QueryLatency = "d1_query_latency";
    public const string ProviderSuccess = "provider_success";

    public static readonly IReadOnlyList<string> DefaultKeys = [Availability, GenerationCompletion, PreviewStartup, D1QueryLatency, ProviderSuccess];

    /// <summary>The multiwindow burn-rate thresholds of BRIEF.md, drawn on every burn chart.</summary>
    public static readonly IReadOnlyList<(double Rate, string Label)> BurnThresholds =
        [.. BurnRules.All.Select(r => (r.Threshold, $"{r.Threshold.ToString("0.#", CultureInfo.InvariantCulture)}× {r.State.Name()} ({r.LongWindow})"))];

    /// <summary>Alert windows in the order of the playbook's rules.</summary>
    public static readonly IReadOnlyList<string> BurnWindows = BurnRules.Windows;

    /// <summary>The metric an SLO is measured on (null for SLOs configured beyond the defaults).</summary>
    public static MetricInfo? MetricOf(string sloKey) => sloKey switch
    {
        Availability => MetricCatalog.Availability,
        GenerationCompletion => MetricCatalog.CompletionSuccessRate,
        PreviewStartup => MetricCatalog.PreviewStartupLatency,
        D1QueryLatency => MetricCatalog.D1QueryLatency,
        ProviderSuccess => MetricCatalog.ProviderErrorRate,
        _ => null,
    };

    /// <summary>A readable name for an SLO key when the snapshot has none ("preview_startup" → "Preview startup").</summary>
    public static string DisplayName(string key, string? name) =>
        !string.IsNullOrWhiteSpace(name) ? name : key.Length == 0 ? key : char.ToUpperInvariant(key[0]) + key[1..].Replace('_', ' ');
}

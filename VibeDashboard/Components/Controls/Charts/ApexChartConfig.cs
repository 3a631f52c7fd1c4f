using VibeDashboard.Model;

namespace VibeDashboard.Components.Controls.Charts;

public enum ChartType
{
    Line,
    Area,
    Bar,
}

/// <summary>One series: x as unix ms, y may be null (a gap, not a zero).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<long> X, IReadOnlyList<double?> Y, string? Color = null)
{
    public static ChartSeries From<T>(string name, IEnumerable<T> points, Func<T, DateTimeOffset> x, Func<T, double?> y, string? color = null)
    {
        var xs = new List<long>();
        var ys = new List<double?>();
        foreach (var point in points)
        {
            xs.Add(x(point).ToUnixTimeMilliseconds());
            ys.Add(y(point) is { } v && double.IsFinite(v) ? v : null);
        }

        return new ChartSeries(name, xs, ys, color);
    }
}

/// <summary>A horizontal line (objective, burn-rate threshold) drawn as a y-axis annotation.</summary>
public sealed record ChartThreshold(double Y, string Label, ChartTone Tone = ChartTone.Neutral);

/// <summary>
/// A stretch of time shaded across the chart (an incident), drawn as an x-axis range annotation from
/// <see cref="From"/> to <see cref="To"/> (unix ms) with its label at the top.
/// </summary>
public sealed record ChartSpan(long From, long To, string Label, ChartTone Tone = ChartTone.Critical);

/// <summary>
/// One instant marked across the chart (a rollout's wave transition), drawn as an x-axis point annotation: a
/// vertical line at <see cref="At"/> (unix ms) with its label running down it.
/// </summary>
public sealed record ChartMarker(long At, string Label, ChartTone Tone = ChartTone.Info);

/// <summary>Colours are chosen by tone in the script, with a light and a dark variant each.</summary>
public enum ChartTone
{
    Neutral,
    Ok,
    Warning,
    Critical,
    Info,
}

/// <summary>
/// Everything one chart shows. Immutable: the chart control sends it to the browser when the instance changes,
/// so a page throttles chart work simply by building a new config only on its chart cadence.
/// </summary>
public sealed record ApexChartConfig
{
    public ChartType Type { get; init; } = ChartType.Line;

    public IReadOnlyList<ChartSeries> Series { get; init; } = [];

    public IReadOnlyList<ChartThreshold> Thresholds { get; init; } = [];

    /// <summary>Time ranges to shade, e.g. incidents (<see cref="ChartConfigs.WithIncidents"/>); time charts only.</summary>
    public IReadOnlyList<ChartSpan> Spans { get; init; } = [];

    /// <summary>Instants to mark, e.g. rollout transitions (<see cref="ChartConfigs.WithEvents"/>); time charts only.</summary>
    public IReadOnlyList<ChartMarker> Markers { get; init; } = [];

    /// <summary>Formats axis labels and tooltips the way <see cref="ValueFormat"/> formats text.</summary>
    public MetricUnit Unit { get; init; } = MetricUnit.Count;

    public int Height { get; init; } = 260;

    /// <summary>A bare line for cards: no axes, grid, legend or toolbar.</summary>
    public bool Sparkline { get; init; }

    public double? YMin { get; init; }

    public double? YMax { get; init; }

    /// <summary>Step-shaped lines (burn-down, states) rather than straight segments.</summary>
    public bool Stepped { get; init; }

    /// <summary>Bar charts over categories (tiers) instead of time: labels for the x axis.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
}

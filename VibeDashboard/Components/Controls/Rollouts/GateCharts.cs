using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Model;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Components.Controls.Rollouts;

/// <summary>A gate's recent checks as a chart: the cohort against the baseline (baseline gates) or the threshold.</summary>
public static class GateCharts
{
    /// <summary>
    /// Null when the checks carry no number (SLO and incident gates, or nothing checked yet). A baseline gate's
    /// limit moves with the baseline, so it is a series of its own; any other gate's threshold is a fixed line.
    /// </summary>
    public static ApexChartConfig? Gate(GateDefinition gate, IReadOnlyList<GateCheck> checks)
    {
        if (!checks.Any(c => c.Value is not null))
        {
            return null;
        }

        var unit = gate.Metric is { } key ? Unit(key) : MetricUnit.Count;
        var cohort = ChartSeries.From("cohort", checks, c => c.CheckedAt, c => c.Value);
        if (gate.Kind == GateKind.Baseline)
        {
            return new ApexChartConfig
            {
                Type = ChartType.Line,
                Unit = unit,
                Height = 160,
                Stepped = true,
                Series =
                [
                    cohort,
                    ChartSeries.From("baseline", checks, c => c.CheckedAt, c => c.Baseline),
                    ChartSeries.From("limit", checks, c => c.CheckedAt, c => c.Threshold),
                ],
            };
        }

        return new ApexChartConfig
        {
            Type = ChartType.Line,
            Unit = unit,
            Height = 160,
            Stepped = true,
            Series = [cohort],
            Thresholds = checks.LastOrDefault(c => c.Threshold is not null)?.Threshold is { } threshold
                ? [new ChartThreshold(threshold, $"threshold {RolloutFormat.Number(threshold)}", ChartTone.Critical)]
                : [],
        };
    }

    private static MetricUnit Unit(string metric) =>
        MetricCatalog.Areas.SelectMany(a => a.Metrics).FirstOrDefault(m => m.Key == metric)?.Unit ?? MetricUnit.Count;
}

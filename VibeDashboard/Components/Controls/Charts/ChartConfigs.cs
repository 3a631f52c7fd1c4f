using VibeDashboard.Aggregation;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Components.Controls.Charts;

/// <summary>The dashboard's charts, built from the feed's series. Pure functions of their inputs.</summary>
public static class ChartConfigs
{
    /// <summary>Sparklines never need more points than a card is wide.</summary>
    public const int SparklinePoints = 120;

    public static ApexChartConfig SloSparkline(IReadOnlyList<SloPoint> points, SloStatus? slo, StateTone tone) => new()
    {
        Type = ChartType.Area,
        Sparkline = true,
        Height = 56,
        Unit = MetricUnit.Ratio,
        Series = [ChartSeries.From("SLI", Downsample(points, SparklinePoints), p => p.At, p => p.Sli, ToneName(tone))],
        Thresholds = slo is null ? [] : [new ChartThreshold(slo.Objective, "", ChartTone.Neutral)],
    };

    public static ApexChartConfig SliVersusObjective(IReadOnlyList<SloPoint> points, SloStatus? slo) => new()
    {
        Type = ChartType.Line,
        Unit = MetricUnit.Ratio,
        YMax = 1,
        Series = [ChartSeries.From("SLI", points, p => p.At, p => p.Sli)],
        Thresholds = slo is null ? [] : [new ChartThreshold(slo.Objective, $"objective {ValueFormat.Percent(slo.Objective)}", ChartTone.Critical)],
    };

    public static ApexChartConfig BurnRate(IReadOnlyList<SloPoint> points) => new()
    {
        Type = ChartType.Line,
        Unit = MetricUnit.Count,
        YMin = 0,
        Series = [ChartSeries.From("burn rate", points, p => p.At, p => p.BurnRate)],
        Thresholds = [.. SloCatalog.BurnThresholds.Select(t => new ChartThreshold(t.Rate, t.Label, t.Rate >= 6 ? ChartTone.Critical : ChartTone.Warning))],
    };

    public static ApexChartConfig BudgetBurnDown(IReadOnlyList<SloPoint> points) => new()
    {
        Type = ChartType.Area,
        Unit = MetricUnit.Ratio,
        YMax = 1,
        Stepped = true,
        Series = [ChartSeries.From("error budget left", points, p => p.At, p => p.BudgetRemaining, "info")],
        Thresholds = [new ChartThreshold(0, "budget spent", ChartTone.Critical)],
    };

    /// <summary>A metric over the range: p50/p95/p99 for latencies, the value otherwise.</summary>
    public static ApexChartConfig Metric(MetricInfo metric, IReadOnlyList<SeriesPoint> points) => new()
    {
        Type = metric.HasPercentiles ? ChartType.Line : ChartType.Area,
        Unit = metric.Unit,
        YMin = 0,
        YMax = metric.Unit == MetricUnit.Ratio ? 1 : null,
        Series = metric.HasPercentiles
            ?
            [
                ChartSeries.From("p50", points, p => p.At, p => p.P50),
                ChartSeries.From("p95", points, p => p.At, p => p.P95),
                ChartSeries.From("p99", points, p => p.At, p => p.P99),
            ]
            : [ChartSeries.From(metric.Name, points, p => p.At, p => p.Value)],
    };

    /// <summary>A metric's value per policy tier, as bars (the per-tier split).</summary>
    public static ApexChartConfig TierSplit(MetricInfo metric, IReadOnlyList<(string Tier, double? Value)> values) => new()
    {
        Type = ChartType.Bar,
        Unit = metric.Unit,
        Height = 200,
        YMin = 0,
        Categories = [.. values.Select(v => v.Tier)],
        Series = [new ChartSeries(metric.HasPercentiles ? "p95" : metric.Name, [.. values.Select((_, i) => (long)i)], [.. values.Select(v => v.Value)])],
    };

    /// <summary>
    /// The chart with a shaded span per incident that overlaps its time extent (its first to its last point),
    /// from startedAt to resolvedAt (else endedAt, else now), clipped to the extent and labelled <c>#N class</c>.
    /// Declined and duplicate incidents are left out: one was not an incident, the other is drawn as the one it
    /// was merged into. Which incidents belong on which chart is the caller's choice. Given the config on screen
    /// (<paramref name="shown"/>), returns that very instance when nothing would change, so the chart is not redrawn.
    /// </summary>
    public static ApexChartConfig WithIncidents(ApexChartConfig chart, IEnumerable<IncidentSummary> incidents, DateTimeOffset now, ApexChartConfig? shown = null) =>
        Annotated(chart, IncidentSpans(chart, incidents, now), chart.Markers, shown);

    /// <summary>
    /// The chart with its incident spans (<see cref="WithIncidents"/>) and a marker per rollout transition in its
    /// extent (<see cref="RolloutMarkers"/>). Which incidents and rollouts belong on the chart is the caller's choice.
    /// Returns <paramref name="shown"/> itself when neither would change, so the chart is not redrawn.
    /// </summary>
    public static ApexChartConfig WithEvents(ApexChartConfig chart, IEnumerable<IncidentSummary> incidents, IEnumerable<RolloutView> rollouts, DateTimeOffset now, ApexChartConfig? shown = null) =>
        Annotated(chart, IncidentSpans(chart, incidents, now), RolloutMarkers(chart, rollouts), shown);

    private static ApexChartConfig Annotated(ApexChartConfig chart, IReadOnlyList<ChartSpan> spans, IReadOnlyList<ChartMarker> markers, ApexChartConfig? shown)
    {
        // The config on screen, if it is this chart with these very annotations: the same instance means no redraw.
        if (shown is not null && shown == chart with { Spans = shown.Spans, Markers = shown.Markers } && spans.SequenceEqual(shown.Spans) && markers.SequenceEqual(shown.Markers))
        {
            return shown;
        }

        return spans.SequenceEqual(chart.Spans) && markers.SequenceEqual(chart.Markers) ? chart : chart with { Spans = spans, Markers = markers };
    }

    /// <summary>
    /// A marker per rollout transition (a timeline line with a webhook event other than a gate's failed check: a
    /// check is not a transition, and a wave failing twice is drawn as its rollback) inside the chart's time extent,
    /// labelled <c>ro-1 wave 2 promoted</c>. The transitions of one rollout at one instant (the last wave promoted
    /// and the rollout completed, a rollback and its pause) share one line, their words joined, in the worst tone.
    /// </summary>
    public static IReadOnlyList<ChartMarker> RolloutMarkers(ApexChartConfig chart, IEnumerable<RolloutView> rollouts)
    {
        var xs = chart.Categories is null ? chart.Series.SelectMany(s => s.X).ToList() : [];
        if (xs.Count == 0)
        {
            return [];
        }

        var (first, last) = (xs.Min(), xs.Max());
        var marks = new List<(long At, string Id, string Words, ChartTone Tone)>();
        foreach (var rollout in rollouts)
        {
            var starts = 0;
            foreach (var line in rollout.Timeline.OrderBy(l => l.At))
            {
                if (line.Event is not { } kind || kind == RolloutEventKind.GateFailed)
                {
                    continue;
                }

                // Counted before the range test: a retry stays a retry when the first start is off the chart.
                var retry = kind == RolloutEventKind.Started && starts++ > 0;
                var at = line.At.ToUnixTimeMilliseconds();
                if (at < first || at > last)
                {
                    continue;
                }

                marks.Add((at, rollout.Id, MarkerWords(kind, line, retry), MarkerTone(kind)));
            }
        }

        return
        [
            .. marks
                .GroupBy(m => (m.At, m.Id))
                .OrderBy(g => g.Key.At)
                .ThenBy(g => g.Key.Id, StringComparer.Ordinal)
                .Select(g => new ChartMarker(g.Key.At, $"{g.Key.Id} {string.Join(" · ", g.Select(m => m.Words))}", g.MaxBy(m => Rank(m.Tone)).Tone)),
        ];
    }

    private static string MarkerWords(RolloutEventKind kind, RolloutLine line, bool retry)
    {
        var wave = $"wave {line.Wave + 1}";
        return kind switch
        {
            RolloutEventKind.Started => retry ? $"{wave} retried" : "started",
            RolloutEventKind.WavePromoted => line.Forced ? $"{wave} force-promoted" : $"{wave} promoted",
            RolloutEventKind.RolledBack => $"{wave} rolled back",
            RolloutEventKind.Paused => "paused",
            RolloutEventKind.Resumed => "resumed",
            RolloutEventKind.Aborted => "aborted",
            RolloutEventKind.Completed => "completed",
            _ => kind.ToString(),
        };
    }

    private static ChartTone MarkerTone(RolloutEventKind kind) => kind switch
    {
        RolloutEventKind.RolledBack or RolloutEventKind.Aborted => ChartTone.Critical,
        RolloutEventKind.Paused => ChartTone.Warning,
        RolloutEventKind.WavePromoted or RolloutEventKind.Completed => ChartTone.Ok,
        _ => ChartTone.Info,
    };

    /// <summary>How bad a tone is, for a shared marker (the enum's order is not a severity).</summary>
    private static int Rank(ChartTone tone) => tone switch
    {
        ChartTone.Critical => 3,
        ChartTone.Warning => 2,
        ChartTone.Ok => 1,
        _ => 0,
    };

    public static IReadOnlyList<ChartSpan> IncidentSpans(ApexChartConfig chart, IEnumerable<IncidentSummary> incidents, DateTimeOffset now)
    {
        var xs = chart.Categories is null ? chart.Series.SelectMany(s => s.X).ToList() : [];
        if (xs.Count == 0)
        {
            return [];
        }

        var (first, last) = (xs.Min(), xs.Max());
        var spans = new List<ChartSpan>();
        foreach (var incident in incidents.OrderBy(i => i.StartedAt).ThenBy(i => i.Number))
        {
            if (incident.Status is IncidentStatus.Declined or IncidentStatus.Duplicate)
            {
                continue;
            }

            var start = incident.StartedAt.ToUnixTimeMilliseconds();
            var end = (incident.ResolvedAt ?? incident.EndedAt ?? now).ToUnixTimeMilliseconds();
            if (end < first || start > last)
            {
                continue;
            }

            // Clipped to the data, an open incident's span ends at the last point rather than moving with the clock:
            // its config (and so the browser's chart) changes only when the data does.
            spans.Add(new ChartSpan(Math.Max(start, first), Math.Min(Math.Max(end, start), last), $"#{incident.Number} {incident.Class.Name()}", SpanTone(incident.Severity)));
        }

        return spans;
    }

    private static ChartTone SpanTone(Severity severity) => severity switch
    {
        Severity.Sev1 or Severity.Sev2 => ChartTone.Critical,
        Severity.Sev3 => ChartTone.Warning,
        _ => ChartTone.Neutral,
    };

    /// <summary>Averages neighbours down to at most <paramref name="max"/> points (the last point kept as is).</summary>
    public static IReadOnlyList<SloPoint> Downsample(IReadOnlyList<SloPoint> points, int max)
    {
        if (points.Count <= max)
        {
            return points;
        }

        var size = (int)Math.Ceiling(points.Count / (double)max);
        var result = new List<SloPoint>(max + 1);
        for (var start = 0; start < points.Count; start += size)
        {
            var end = Math.Min(start + size, points.Count);
            var bucket = points.Skip(start).Take(end - start).ToList();
            var slis = bucket.Where(p => p.Sli is not null).Select(p => p.Sli!.Value).ToList();
            result.Add(new SloPoint(bucket[^1].At, slis.Count == 0 ? null : slis.Average(), bucket[^1].BurnRate, bucket[^1].BudgetRemaining));
        }

        return result;
    }

    private static string? ToneName(StateTone tone) => tone switch
    {
        StateTone.Critical => "critical",
        StateTone.Warning => "warning",
        StateTone.Ok => "ok",
        _ => null,
    };
}

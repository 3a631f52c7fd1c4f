namespace VibeDashboard.Aggregation;

/// <summary>
/// An SLO's numbers from its good and total events over a span, defined once: the snapshot (<see cref="SloEvaluator"/>)
/// reads them over its windows, the SLO charts (<see cref="SloPoints"/>) over each bucket and over the SLO window
/// ending at each point.
/// </summary>
internal static class SloFormulas
{
    /// <summary>good ÷ total; null without events.</summary>
    public static double? Sli(double good, double total) => total > 0 ? good / total : null;

    /// <summary>Error ratio ÷ (1 − objective); null without events.</summary>
    public static double? BurnRate(double good, double total, double objective) => total > 0 ? (total - good) / total / (1 - objective) : null;

    /// <summary>Fraction of the error budget left: 1 − bad ÷ ((1 − objective) × total); null without events.</summary>
    public static double? BudgetRemaining(double good, double total, double objective) =>
        total > 0 ? 1 - ((total - good) / ((1 - objective) * total)) : null;
}

/// <summary>
/// The points of an SLO's charts: per bucket (minutes up to a day, hours beyond) its SLI and burn rate over that
/// bucket, and the error budget left over the SLO window as it stood at the end of the bucket: the window's whole
/// hours before the bucket's hour, and that hour up to the bucket's end (so the last point's budget is the
/// snapshot's). The window reaches back only as far as the hours the aggregator holds (30 days and the current hour):
/// the early points of a 30-day chart count less history.
/// </summary>
internal static class SloPoints
{
    public static IReadOnlyList<SloPoint> Of(MetricEngine engine, int index, bool hourly, long fromMs)
    {
        var slo = engine.Slos[index];
        var points = engine.SloBuckets(index, hourly, fromMs);
        if (points.Count == 0)
        {
            return [];
        }

        var sloHours = (long)Windows.All.First(w => w.Name == slo.Window).Length.TotalHours;
        var heldFrom = Rollup.Floor(engine.NowMs, Rollup.HourMs) - Rollup.HourBuckets;
        var firstHour = Math.Max(heldFrom, Rollup.Floor(points[0].StartMs, Rollup.HourMs) - sloHours + 1);
        var hours = engine.SloBuckets(index, true, firstHour * Rollup.HourMs);
        var hourGood = Prefix(hours, b => b.Good);
        var hourTotal = Prefix(hours, b => b.Total);
        // Minute points: the minutes after a point inside its hour are taken off that hour's bucket.
        var pointGood = Prefix(points, b => b.Good);
        var pointTotal = Prefix(points, b => b.Total);

        var result = new List<SloPoint>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var (startMs, good, total) = points[i];
            var hour = Rollup.Floor(startMs, Rollup.HourMs);
            var end = (int)(hour - firstHour + 1);
            var begin = (int)Math.Max(0, end - sloHours);
            var windowGood = hourGood[end] - hourGood[begin];
            var windowTotal = hourTotal[end] - hourTotal[begin];
            if (!hourly)
            {
                var after = (int)Math.Min(points.Count, i + 1 + ((hour + 1) * Rollup.HourMs - startMs - Rollup.MinuteMs) / Rollup.MinuteMs);
                windowGood -= pointGood[after] - pointGood[i + 1];
                windowTotal -= pointTotal[after] - pointTotal[i + 1];
            }

            result.Add(new SloPoint(
                DateTimeOffset.FromUnixTimeMilliseconds(startMs),
                MetricEngine.Finite(SloFormulas.Sli(good, total)),
                MetricEngine.Finite(SloFormulas.BurnRate(good, total, slo.Objective)),
                MetricEngine.Finite(SloFormulas.BudgetRemaining(windowGood, windowTotal, slo.Objective))));
        }

        return result;
    }

    private static double[] Prefix(IReadOnlyList<(long StartMs, double Good, double Total)> buckets, Func<(long StartMs, double Good, double Total), double> field)
    {
        var prefix = new double[buckets.Count + 1];
        for (var i = 0; i < buckets.Count; i++)
        {
            prefix[i + 1] = prefix[i] + field(buckets[i]);
        }

        return prefix;
    }
}

using System.Globalization;
using VibeDashboard.Configuration;

namespace VibeDashboard.Aggregation;

/// <summary>One multiwindow burn-rate rule: both windows burning faster than the threshold raise the state.</summary>
public sealed record BurnRule(string LongWindow, string ShortWindow, double Threshold, AlertState State);

/// <summary>The playbook's rules and windows, in its order; the evaluator, the charts and the burn table read them here.</summary>
public static class BurnRules
{
    public static readonly IReadOnlyList<BurnRule> All =
    [
        new("1h", "5m", 14.4, AlertState.Page), new("6h", "30m", 6, AlertState.Page), new("1d", "2h", 3, AlertState.Ticket), new("3d", "6h", 1, AlertState.Ticket),
    ];

    /// <summary>The windows a burn rate is published for (the SLO window itself is the budget).</summary>
    public static readonly IReadOnlyList<string> Windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
}

/// <summary>
/// SLO maths (BRIEF.md): burn rate = error ratio ÷ (1 − objective); multiwindow, multi-burn-rate alerts for a
/// 30-day SLO: page when (1h &gt; 14.4 and 5m &gt; 14.4) or (6h &gt; 6 and 30m &gt; 6); ticket when
/// (1d &gt; 3 and 2h &gt; 3) or (3d &gt; 1 and 6h &gt; 1). A window with fewer SLI events than the
/// minimum-traffic guard never counts towards an alert.
/// </summary>
internal static class SloEvaluator
{
    public static (SloStatus Status, string Reason) Evaluate(MetricEngine engine, int index, AggregationOptions options)
    {
        var slo = engine.Slos[index];
        var budget = 1 - slo.Objective;
        var burns = new Dictionary<string, double?>(StringComparer.Ordinal);
        var eligible = new Dictionary<string, bool>(StringComparer.Ordinal);
        for (var w = 0; w < Windows.All.Count; w++)
        {
            var name = Windows.All[w].Name;
            if (!BurnRules.Windows.Contains(name))
            {
                continue;
            }

            var (good, total) = engine.Slo(index, w);
            burns[name] = SloFormulas.BurnRate(good, total, slo.Objective);
            eligible[name] = total > 0 && total >= options.MinEventsFor(name);
        }

        var state = AlertState.Ok;
        var reason = "no burn-rate rule fires";
        foreach (var (longWindow, shortWindow, threshold, ruleState) in BurnRules.All)
        {
            bool Over(string w) => eligible[w] && burns[w] > threshold;
            if (Over(longWindow) && Over(shortWindow) && (state == AlertState.Ok || ruleState == AlertState.Page && state != AlertState.Page))
            {
                state = ruleState;
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"burn {longWindow} {burns[longWindow]:0.##} and {shortWindow} {burns[shortWindow]:0.##} over {threshold}");
            }
        }

        var sloWindow = Windows.All.Select((x, i) => (x, i)).First(x => x.x.Name == slo.Window);
        var (g, t) = engine.Slo(index, sloWindow.i);
        var bad = t - g;
        var remaining = SloFormulas.BudgetRemaining(g, t, slo.Objective);
        var status = new SloStatus(
            slo.Key,
            string.IsNullOrEmpty(slo.Name) ? slo.Key : slo.Name,
            slo.Objective,
            SloFormulas.Sli(g, t),
            remaining,
            remaining * budget * sloWindow.x.Length.TotalMinutes,
            t > 0 ? (budget * t) - bad : null,
            burns,
            state,
            (long)g,
            (long)t);
        return (status, reason);
    }
}

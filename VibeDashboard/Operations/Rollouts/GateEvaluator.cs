using System.Globalization;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// Judges one gate on what was read for it (<see cref="GateInput"/>): pure, no clock, no I/O. Per tier, in this
/// order: no data or data older than <c>Health:StaleAfter</c> → Error (stale data never passes); fewer events
/// than the gate's minimum, or no events at all → Inconclusive (the feed is alive, the tier is quiet); a value the
/// metric does not have (a p95 of a ratio) → Error; then the comparison → Pass or Fail. A wave of several tiers
/// passes only when each tier does: the worst tier decides (Fail, else Error, else Inconclusive).
/// </summary>
public static class GateEvaluator
{
    private static readonly TimeSpan BudgetMonth = TimeSpan.FromDays(30);

    public static GateCheck Evaluate(GateDefinition gate, GateInput input, GateEvaluationSettings settings, DateTimeOffset now) => gate.Kind switch
    {
        GateKind.Slo => Slo(gate, input, settings, now),
        GateKind.Incident => Incident(gate, input, now),
        GateKind.Baseline => PerTier(gate, input, now, tier => BaselineTier(gate, tier, input.Baseline, settings, now)),
        _ => PerTier(gate, input, now, tier => ThresholdTier(gate, tier, settings, now)),
    };

    /// <summary>Fail outranks Error, which outranks Inconclusive, which outranks Pass.</summary>
    public static int Rank(GateResult result) => result switch
    {
        GateResult.Fail => 3,
        GateResult.Error => 2,
        GateResult.Inconclusive => 1,
        _ => 0,
    };

    private static GateCheck PerTier(GateDefinition gate, GateInput input, DateTimeOffset now, Func<TierReading, TierCheck> judge)
    {
        if (input.Cohort.Count == 0)
        {
            return new GateCheck(gate.Name, gate.Kind, GateResult.Error, null, gate.Threshold, 0, now, "no tiers in the cohort", []);
        }

        var tiers = input.Cohort.Select(judge).ToList();

        // The first of the worst tiers decides; among equally bad tiers the wave's own order is kept, so the
        // check names the same tier from one round to the next while nothing changes.
        var worst = tiers.OrderByDescending(t => Rank(t.Result)).First();
        var threshold = gate.Kind == GateKind.Baseline ? Limit(gate, worst.Baseline) : gate.Threshold;
        var reason = tiers.Count == 1 ? worst.Reason : $"{worst.Tier}: {worst.Reason}";
        return new GateCheck(gate.Name, gate.Kind, worst.Result, worst.Value, threshold, worst.Count, now, reason, tiers, worst.Baseline);
    }

    private static TierCheck ThresholdTier(GateDefinition gate, TierReading reading, GateEvaluationSettings settings, DateTimeOffset now)
    {
        if (Unusable(gate, reading, settings, now, "") is { } unusable)
        {
            return unusable;
        }

        if (gate.Op is not { } op || gate.Threshold is not { } threshold)
        {
            return Tier(reading, GateResult.Error, null, "the gate has no operator or threshold");
        }

        if (Value(gate, reading, settings) is not { } value)
        {
            return Tier(reading, GateResult.Error, null, Missing(gate, settings));
        }

        if (!double.IsFinite(value))
        {
            return Tier(reading, GateResult.Error, null, $"{gate.Metric} is not a finite number");
        }

        var pass = Compare(value, op, threshold);
        return Tier(reading, pass ? GateResult.Pass : GateResult.Fail, value, $"{Number(value)} {Symbol(op, pass)} {Number(threshold)}");
    }

    // The difference is in the metric's own units (0.02 on a rate is two points), like Kayenta's absolute margin:
    // a relative margin would let a rate near zero swing freely and forbid any change near one.
    private static TierCheck BaselineTier(GateDefinition gate, TierReading reading, TierReading? baseline, GateEvaluationSettings settings, DateTimeOffset now)
    {
        if (gate.Metric is not { } metric || MetricDirections.Of(metric) is not { } direction)
        {
            return Tier(reading, GateResult.Error, null, $"{gate.Metric ?? "(no metric)"} has no known better direction to compare against a baseline");
        }

        if (gate.MaxWorseBy is not { } maxWorseBy)
        {
            return Tier(reading, GateResult.Error, null, "the gate has no maxWorseBy");
        }

        if (Unusable(gate, reading, settings, now, "") is { } unusable)
        {
            return unusable;
        }

        // Every tier is in the rollout (the last wave): nothing is left to compare with, and holding the wave on
        // a comparison that cannot exist would leave it promotable only by force. The cohort's own data was
        // judged fresh and sufficient above, so stale data still never passes.
        if (baseline is null)
        {
            return Tier(reading, GateResult.Pass, reading.Stat(gate.Stat), "no baseline left: every tier is in the rollout");
        }

        if (Unusable(gate, baseline, settings, now, "baseline ") is { } baselineUnusable)
        {
            return baselineUnusable with { Tier = reading.Tier, Count = reading.Count };
        }

        if (reading.Stat(gate.Stat) is not { } value || baseline.Stat(gate.Stat) is not { } reference)
        {
            return Tier(reading, GateResult.Error, null, Missing(gate, settings));
        }

        if (!double.IsFinite(value) || !double.IsFinite(reference))
        {
            return Tier(reading, GateResult.Error, null, $"{gate.Metric} is not a finite number");
        }

        var worseBy = direction == MetricDirection.HigherIsBetter ? reference - value : value - reference;
        var pass = worseBy <= maxWorseBy;
        var text = $"{Number(value)} against baseline {Number(reference)}: " + (worseBy > 0 ? $"worse by {Number(worseBy)}" : "not worse")
            + (pass ? $" (at most {Number(maxWorseBy)})" : $" > {Number(maxWorseBy)}");
        return new TierCheck(reading.Tier, pass ? GateResult.Pass : GateResult.Fail, value, reading.Count, text, reference);
    }

    private static double? Limit(GateDefinition gate, double? baseline) =>
        baseline is not { } reference || gate.MaxWorseBy is not { } maxWorseBy || gate.Metric is null || MetricDirections.Of(gate.Metric) is not { } direction ? null
        : direction == MetricDirection.HigherIsBetter ? reference - maxWorseBy : reference + maxWorseBy;

    private static TierCheck? Unusable(GateDefinition gate, TierReading reading, GateEvaluationSettings settings, DateTimeOffset now, string what)
    {
        if (reading.DataAsOf is not { } asOf)
        {
            return Tier(reading, GateResult.Error, null, $"{what}no data");
        }

        if (now - asOf > settings.StaleAfter)
        {
            return Tier(reading, GateResult.Error, null, $"{what}data is stale: newest event {Durations.Format(Whole(now - asOf))} old (stale after {Durations.Format(Whole(settings.StaleAfter))})");
        }

        if (reading.Count < gate.MinEvents)
        {
            return Tier(reading, GateResult.Inconclusive, null, $"{what}{reading.Count} events, fewer than the minimum {gate.MinEvents}");
        }

        // The totals of the computed guardrails are 0, not null, in a quiet window: only the snapshot's own
        // metrics have no value without events. A metric that counts its bad events (breaches, crashes) has a
        // count of 0 in a healthy window, and its value (0) is what the gate is there to see.
        if (reading.Count == 0 && !IsTotal(gate.Metric) && !(gate.Metric is { } m && GateMetrics.CountsBadEvents(m) && reading.Stat(gate.Stat) is not null))
        {
            return Tier(reading, GateResult.Inconclusive, null, $"{what}no events in the window");
        }

        return null;
    }

    /// <summary>The number the gate compares: the stat of a snapshot metric, or the rate a computed guardrail makes of its total.</summary>
    private static double? Value(GateDefinition gate, TierReading reading, GateEvaluationSettings settings)
    {
        if (!IsTotal(gate.Metric))
        {
            return reading.Stat(gate.Stat);
        }

        if (reading.Value is not { } total || WindowLength(gate.Window) is not { } window)
        {
            return null;
        }

        if (gate.Metric == RolloutMetrics.RateLimitBreachesPerHour)
        {
            return total / window.TotalHours;
        }

        // Spend rate over the window ÷ (monthly budget ÷ 30 days): 1 spends the month's budget in a month.
        return settings.MonthlyCostBudgetUsd is { } budget and > 0 ? total / window.TotalHours / (budget / BudgetMonth.TotalHours) : null;
    }

    private static string Missing(GateDefinition gate, GateEvaluationSettings settings) =>
        gate.Metric == RolloutMetrics.CostBurn && settings.MonthlyCostBudgetUsd is not > 0 ? "no monthly cost budget configured (Rollouts:MonthlyCostBudgetUsd)"
        : IsTotal(gate.Metric) && WindowLength(gate.Window) is null ? $"unknown window {gate.Window}"
        : gate.Stat == MetricStat.Value ? $"{gate.Metric} has no value"
        : $"{gate.Metric} has no {gate.Stat.ToString().ToLowerInvariant()}";

    private static bool IsTotal(string? metric) => metric is RolloutMetrics.CostBurn or RolloutMetrics.RateLimitBreachesPerHour;

    private static TimeSpan? WindowLength(string? window) =>
        Aggregation.Windows.All.FirstOrDefault(w => w.Name == window) is { Name: not null } found ? found.Length
        : Durations.TryParse(window, out var length) ? length
        : (TimeSpan?)null;

    // An alert above the gate's level on a listed SLO, or a budget below the floor, fails it; an SLO the snapshot
    // does not have, or SLOs computed from stale data, is Error; a floor on an SLO without a budget yet is Inconclusive.
    private static GateCheck Slo(GateDefinition gate, GateInput input, GateEvaluationSettings settings, DateTimeOffset now)
    {
        GateCheck Result(GateResult result, string reason, double? value = null) =>
            new(gate.Name, gate.Kind, result, value, gate.MinBudgetRemaining, 0, now, reason, []);

        if (input.SlosAsOf is not { } asOf)
        {
            return Result(GateResult.Error, "no data");
        }

        if (now - asOf > settings.StaleAfter)
        {
            return Result(GateResult.Error, $"data is stale: newest event {Durations.Format(Whole(now - asOf))} old (stale after {Durations.Format(Whole(settings.StaleAfter))})");
        }

        var findings = new List<(GateResult Result, string Reason, double? Budget)>();
        foreach (var key in gate.Slos ?? [])
        {
            var slo = input.Slos?.FirstOrDefault(s => s.Key == key);
            if (slo is null)
            {
                findings.Add((GateResult.Error, $"{key}: no such SLO in the snapshot", null));
            }
            else if (slo.Alert > gate.MaxAlert)
            {
                findings.Add((GateResult.Fail, $"{key}: alert {slo.Alert.Name()} above {gate.MaxAlert.Name()}", slo.BudgetRemaining));
            }
            else if (gate.MinBudgetRemaining is { } floor && slo.BudgetRemaining is { } budget && budget < floor)
            {
                findings.Add((GateResult.Fail, $"{key}: budget remaining {Number(budget)} below {Number(floor)}", budget));
            }
            else if (gate.MinBudgetRemaining is not null && slo.BudgetRemaining is null)
            {
                findings.Add((GateResult.Inconclusive, $"{key}: no error budget computed yet", null));
            }
        }

        if (findings.Count == 0)
        {
            var lowest = gate.MinBudgetRemaining is null ? null : input.Slos?.Where(s => gate.Slos!.Contains(s.Key)).Min(s => s.BudgetRemaining);
            return Result(GateResult.Pass, $"{string.Join(", ", gate.Slos ?? [])}: alerts at most {gate.MaxAlert.Name()}" + (lowest is { } l ? $", lowest budget {Number(l)}" : ""), lowest);
        }

        var worst = findings.OrderByDescending(f => Rank(f.Result)).First();
        return Result(worst.Result, string.Join("; ", findings.Where(f => f.Result == worst.Result).Select(f => f.Reason)), worst.Budget);
    }

    // Active incidents only: a resolved one awaits its postmortem and close, but the service is back, so it no
    // longer holds a rollout. "At or above maxSeverity" is allowed: SEV3 lets SEV3/SEV4 through, SEV1/SEV2 fail.
    private static GateCheck Incident(GateDefinition gate, GateInput input, DateTimeOffset now)
    {
        var classes = gate.IncidentClasses ?? [];
        var blocking = (input.Incidents ?? [])
            .Where(i => i.Status.IsActive() && classes.Contains(i.Class) && i.Severity < gate.MaxSeverity)
            .OrderBy(i => i.Severity).ThenBy(i => i.Number)
            .ToList();

        var reason = blocking.Count == 0
            ? $"no active {string.Join("/", classes.Select(c => c.Name()))} incident worse than {gate.MaxSeverity.Name()}"
            : string.Join("; ", blocking.Select(i => $"#{i.Number} {i.Severity.Name()} {i.Class.Name()} {i.Status.Name()}: {i.Title}"));
        return new GateCheck(gate.Name, gate.Kind, blocking.Count == 0 ? GateResult.Pass : GateResult.Fail, blocking.Count, 0, blocking.Count, now, reason, []);
    }

    private static TierCheck Tier(TierReading reading, GateResult result, double? value, string reason) => new(reading.Tier, result, value, reading.Count, reason);

    private static bool Compare(double value, GateOperator op, double threshold) => op switch
    {
        GateOperator.AtLeast => value >= threshold,
        GateOperator.AtMost => value <= threshold,
        GateOperator.Above => value > threshold,
        GateOperator.Below => value < threshold,
        _ => false,
    };

    // Written as the comparison that held, or the one that broke it: "0.91 < 0.95" for a failed ">= 0.95".
    private static string Symbol(GateOperator op, bool held) => (op, held) switch
    {
        (GateOperator.AtLeast, true) => ">=",
        (GateOperator.AtLeast, false) => "<",
        (GateOperator.AtMost, true) => "<=",
        (GateOperator.AtMost, false) => ">",
        (GateOperator.Above, true) => ">",
        (GateOperator.Above, false) => "<=",
        (GateOperator.Below, true) => "<",
        _ => ">=",
    };

    private static TimeSpan Whole(TimeSpan span) => TimeSpan.FromSeconds(Math.Max(1, Math.Floor(span.TotalSeconds)));

    /// <summary>
    /// What reasons, timelines and the pages show of a value: up to four significant digits, invariant, without
    /// exponent notation ("G4" writes 10000 as 1E+04): whole numbers as they are (10000 ms), fractions rounded
    /// (0.95123 → 0.9512, 0.00012346 → 0.0001235).
    /// </summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        if (Math.Abs(value) >= 1000 || value == Math.Floor(value))
        {
            return Math.Round(value).ToString("0", CultureInfo.InvariantCulture);
        }

        var digits = Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15);
        return Math.Round(value, digits).ToString("0.###############", CultureInfo.InvariantCulture);
    }
}

using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>Gate checks on readings and on snapshots built from generated events: per tier, the worst tier deciding, stale never passing.</summary>
public sealed class GateEvaluatorTests
{
    private static readonly GateEvaluationSettings Settings = new(TimeSpan.FromMinutes(10), MonthlyCostBudgetUsd: 3000);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 17, 0, 0, TimeSpan.Zero));

    private static readonly GateDefinition Completion = new("completion", MetricKeys.CompletionSuccessRate, Window: "30m", Op: GateOperator.AtLeast, Threshold: 0.95, MinEvents: 20);

    private DateTimeOffset Now => _time.GetUtcNow();

    private TierReading Fresh(string tier, double? value, long count) => new(tier, value, count, Now.AddMinutes(-1));

    private GateCheck Check(GateDefinition gate, params TierReading[] cohort) => GateEvaluator.Evaluate(gate, new GateInput(cohort), Settings, Now);

    [Fact]
    public void A_metric_gate_passes_or_fails_on_its_threshold_and_says_so()
    {
        var pass = Check(Completion, Fresh("internal", 0.97, 120));
        Assert.Equal(GateResult.Pass, pass.Result);
        Assert.Equal(0.97, pass.Value);
        Assert.Equal(0.95, pass.Threshold);
        Assert.Equal(120, pass.Count);
        Assert.Equal("0.97 >= 0.95", pass.Reason);
        Assert.Equal(GateKind.Metric, pass.Kind);
        Assert.Equal(Now, pass.CheckedAt);

        var fail = Check(Completion, Fresh("internal", 0.91, 120));
        Assert.Equal(GateResult.Fail, fail.Result);
        Assert.Equal("0.91 < 0.95", fail.Reason);
    }

    [Fact]
    public void A_percentile_gate_reads_its_stat()
    {
        var gate = new GateDefinition("startup p95", MetricKeys.PreviewStartupLatencyMs, MetricStat.P95, "30m", GateOperator.AtMost, 10_000);
        var reading = new TierReading("pro", 4000, 300, Now, P50: 3000, P95: 12_000, P99: 20_000);
        var check = GateEvaluator.Evaluate(gate, new GateInput([reading]), Settings, Now);
        Assert.Equal(GateResult.Fail, check.Result);
        Assert.Equal(12_000, check.Value);

        // A ratio has no p95: that is a broken gate, not a quiet tier.
        var ratio = gate with { Metric = MetricKeys.CompletionSuccessRate };
        Assert.Equal(GateResult.Error, GateEvaluator.Evaluate(ratio, new GateInput([Fresh("pro", 0.9, 300)]), Settings, Now).Result);
    }

    [Fact]
    public void Fewer_events_than_the_minimum_is_inconclusive_whatever_the_value()
    {
        var check = Check(Completion, Fresh("internal", 0.10, 19));
        Assert.Equal(GateResult.Inconclusive, check.Result);
        Assert.Contains("fewer than the minimum 20", check.Reason);

        var quiet = Check(Completion with { MinEvents = 0 }, Fresh("internal", null, 0));
        Assert.Equal(GateResult.Inconclusive, quiet.Result);
    }

    [Fact]
    public void Stale_data_is_error_never_pass_and_no_data_is_error()
    {
        var stale = new TierReading("internal", 0.99, 500, Now - TimeSpan.FromMinutes(11));
        var check = Check(Completion, stale);
        Assert.Equal(GateResult.Error, check.Result);
        Assert.Contains("stale", check.Reason);
        Assert.Null(check.Value);

        // Exactly StaleAfter old is still fresh; a second more is not.
        Assert.Equal(GateResult.Pass, Check(Completion, stale with { DataAsOf = Now - TimeSpan.FromMinutes(10) }).Result);
        Assert.Equal(GateResult.Error, Check(Completion, stale with { DataAsOf = Now - TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1) }).Result);

        var none = Check(Completion, new TierReading("internal", null, 0, null));
        Assert.Equal(GateResult.Error, none.Result);
        Assert.Equal("no data", none.Reason);
    }

    [Fact]
    public void A_wave_of_several_tiers_passes_only_when_each_tier_passes_and_the_worst_decides()
    {
        var pass = Fresh("pro", 0.97, 100);
        var fail = Fresh("free", 0.90, 100);
        var inconclusive = Fresh("team", 0.99, 3);
        var error = new TierReading("enterprise", 0.99, 100, null);

        Assert.Equal(GateResult.Pass, Check(Completion, pass, pass with { Tier = "free" }).Result);

        var failed = Check(Completion, pass, inconclusive, error, fail);
        Assert.Equal(GateResult.Fail, failed.Result);
        Assert.Equal(0.90, failed.Value);
        Assert.Equal("free: 0.9 < 0.95", failed.Reason);
        Assert.Equal([GateResult.Pass, GateResult.Inconclusive, GateResult.Error, GateResult.Fail], failed.Tiers.Select(t => t.Result));

        Assert.Equal(GateResult.Error, Check(Completion, pass, inconclusive, error).Result);
        Assert.Equal(GateResult.Inconclusive, Check(Completion, pass, inconclusive).Result);
    }

    [Fact]
    public void The_cost_burn_gate_on_generated_spend_compares_the_spend_rate_with_the_monthly_budget()
    {
        // 3000 USD a month is 100 a day, 4.1667 an hour: a burn of 1 spends exactly the budget.
        var gate = new GateDefinition("burn", RolloutMetrics.CostBurn, Window: "1h", Op: GateOperator.AtMost, Threshold: 1.0);
        Assert.Equal(GateKind.Cost, gate.Kind);

        var cheap = Snapshot(Generations("pro", "1h", count: 200, meanCost: 0.015, seed: 1));
        var spendy = Snapshot(Generations("pro", "1h", count: 200, meanCost: 0.04, seed: 2));

        var ok = Evaluate(gate, cheap, ["pro"]);
        var spend = cheap.Metric(MetricKeys.ProviderCostPerGenerationUsd, "1h", "pro")!;
        Assert.Equal(GateResult.Pass, ok.Result);
        Assert.Equal(spend.Value!.Value * spend.Count / (3000.0 / 720), ok.Value!.Value, 9);
        Assert.InRange(ok.Value!.Value, 0.5, 0.9);

        var burning = Evaluate(gate, spendy, ["pro"]);
        Assert.Equal(GateResult.Fail, burning.Result);
        Assert.InRange(burning.Value!.Value, 1.5, 2.3);

        // Without a budget there is nothing to burn against: Error, not a pass.
        var unbudgeted = GateEvaluator.Evaluate(gate, GateInputs.FromSnapshot(cheap, gate, ["pro"], [], []), Settings with { MonthlyCostBudgetUsd = null }, Now);
        Assert.Equal(GateResult.Error, unbudgeted.Result);
        Assert.Contains("MonthlyCostBudgetUsd", unbudgeted.Reason);
    }

    [Fact]
    public void The_cost_per_generation_gate_reads_the_snapshot_metric()
    {
        var gate = new GateDefinition("cost", MetricKeys.ProviderCostPerGenerationUsd, Window: "1h", Op: GateOperator.AtMost, Threshold: 0.50);
        Assert.Equal(GateKind.Cost, gate.Kind);
        Assert.Equal(GateResult.Pass, Evaluate(gate, Snapshot(Generations("pro", "1h", 80, 0.30, seed: 3)), ["pro"]).Result);
        Assert.Equal(GateResult.Fail, Evaluate(gate, Snapshot(Generations("pro", "1h", 80, 0.80, seed: 4)), ["pro"]).Result);
    }

    [Fact]
    public void The_quota_gate_turns_breaches_into_breaches_per_hour()
    {
        var gate = new GateDefinition("quota", RolloutMetrics.RateLimitBreachesPerHour, Window: "30m", Op: GateOperator.AtMost, Threshold: 20);
        Assert.Equal(GateKind.Quota, gate.Kind);
        var snapshot = Snapshot(new MetricValue(MetricKeys.RateLimitBreaches, "30m", "free", 12, 12, null, null, null));
        var check = Evaluate(gate, snapshot, ["free"]);
        Assert.Equal(GateResult.Fail, check.Result);
        Assert.Equal(24, check.Value);

        // A quiet window has no breaches: 0 an hour passes, it is not "no events".
        var quiet = Evaluate(gate, Snapshot(new MetricValue(MetricKeys.RateLimitBreaches, "30m", "free", 0, 0, null, null, null)), ["free"]);
        Assert.Equal(GateResult.Pass, quiet.Result);
    }

    [Fact]
    public void The_baseline_gate_on_generated_outcomes_fails_when_the_cohort_is_worse_by_more_than_the_margin()
    {
        var gate = new GateDefinition("vs baseline", MetricKeys.CompletionSuccessRate, Window: "30m", Baseline: true, MaxWorseBy: 0.02, MinEvents: 50);
        Assert.Equal(GateKind.Baseline, gate.Kind);
        var baseline = new[] { Outcomes("free", 2000, 0.96, seed: 10), Outcomes("enterprise", 1000, 0.95, seed: 11) };
        var reference = (baseline[0].Value!.Value * baseline[0].Count + baseline[1].Value!.Value * baseline[1].Count) / (baseline[0].Count + baseline[1].Count);

        var good = Evaluate(gate, Snapshot([Outcomes("pro", 800, 0.955, seed: 12), .. baseline]), ["pro"], ["free", "enterprise"]);
        Assert.Equal(GateResult.Pass, good.Result);
        Assert.Equal(reference, good.Baseline!.Value, 9);
        Assert.Equal(reference - 0.02, good.Threshold!.Value, 9);

        var bad = Evaluate(gate, Snapshot([Outcomes("pro", 800, 0.90, seed: 13), .. baseline]), ["pro"], ["free", "enterprise"]);
        Assert.Equal(GateResult.Fail, bad.Result);
        Assert.Contains("worse by", bad.Reason);

        // A stale baseline is Error, and so is a baseline too thin to judge against… Inconclusive.
        var staleSnapshot = Snapshot([Outcomes("pro", 800, 0.955, seed: 12), .. baseline]) with { DataAsOf = Now.AddHours(-1) };
        Assert.Equal(GateResult.Error, Evaluate(gate, staleSnapshot, ["pro"], ["free"]).Result);
        var thin = Evaluate(gate, Snapshot([Outcomes("pro", 800, 0.955, seed: 12), Outcomes("free", 10, 0.9, seed: 14)]), ["pro"], ["free"]);
        Assert.Equal(GateResult.Inconclusive, thin.Result);
        Assert.StartsWith("baseline ", thin.Tiers[0].Reason);
    }

    [Fact]
    public void The_baseline_gate_takes_direction_from_the_metric_lower_latency_is_better()
    {
        var gate = new GateDefinition("p95 vs baseline", MetricKeys.PreviewStartupLatencyMs, MetricStat.P95, "30m", Baseline: true, MaxWorseBy: 500);
        var faster = new TierReading("pro", 3000, 200, Now, P95: 6000);
        var baseline = new TierReading("baseline", 3200, 900, Now, P95: 6200);
        Assert.Equal(GateResult.Pass, GateEvaluator.Evaluate(gate, new GateInput([faster], baseline), Settings, Now).Result);
        var slower = faster with { P95 = 6800 };
        var check = GateEvaluator.Evaluate(gate, new GateInput([slower], baseline), Settings, Now);
        Assert.Equal(GateResult.Fail, check.Result);
        Assert.Equal(6700, check.Threshold);

        // A metric with no direction cannot be compared.
        Assert.Equal(GateResult.Error, GateEvaluator.Evaluate(gate with { Metric = RolloutMetrics.CostBurn }, new GateInput([faster], baseline), Settings, Now).Result);

        // Every tier exposed: nothing left to compare with, the gate does not hold the last wave.
        Assert.Equal(GateResult.Pass, GateEvaluator.Evaluate(gate, new GateInput([faster]), Settings, Now).Result);
    }

    [Fact]
    public void Baseline_tiers_are_the_snapshots_tiers_the_rollout_does_not_expose()
    {
        var snapshot = Snapshot(Outcomes("internal", 10, 1, 1), Outcomes("pro", 10, 1, 2), Outcomes("free", 10, 1, 3), Outcomes("enterprise", 10, 1, 4));
        Assert.Equal(["enterprise", "free"], GateInputs.BaselineTiers(snapshot, MetricKeys.CompletionSuccessRate, "30m", ["internal", "pro"]));
    }

    [Fact]
    public void The_cohort_sample_counts_generations_in_the_longest_window_within_the_observation()
    {
        var snapshot = Snapshot(Outcomes("pro", 120, 0.9, 1), Outcomes("free", 80, 0.9, 2),
            new MetricValue(MetricKeys.CompletionSuccessRate, "1h", "pro", 0.9, 300, null, null, null));
        Assert.Equal(200, GateInputs.CohortSample(snapshot, ["pro", "free"], TimeSpan.FromMinutes(45)));
        Assert.Equal(300, GateInputs.CohortSample(snapshot, ["pro", "free"], TimeSpan.FromMinutes(90)));
        Assert.Equal(0, GateInputs.CohortSample(snapshot, ["pro"], TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void A_value_that_is_not_a_finite_number_is_an_error()
    {
        Assert.Equal(GateResult.Error, Check(Completion, Fresh("internal", double.NaN, 100)).Result);
    }

    [Fact]
    public void The_slo_gate_fails_on_an_alert_above_its_level_or_a_budget_below_the_floor()
    {
        var gate = new GateDefinition("slos", Slos: ["availability", "generation_completion"], MaxAlert: AlertState.Ok, MinBudgetRemaining: 0.25);
        Assert.Equal(GateKind.Slo, gate.Kind);
        GateCheck Slos(DateTimeOffset? asOf, params SloStatus[] slos) => GateEvaluator.Evaluate(gate, new GateInput([], Slos: slos, SlosAsOf: asOf), Settings, Now);

        Assert.Equal(GateResult.Pass, Slos(Now, Slo("availability", AlertState.Ok, 0.8), Slo("generation_completion", AlertState.Ok, 0.5)).Result);
        var paged = Slos(Now, Slo("availability", AlertState.Page, 0.8), Slo("generation_completion", AlertState.Ok, 0.5));
        Assert.Equal(GateResult.Fail, paged.Result);
        Assert.Contains("alert page above ok", paged.Reason);
        var drained = Slos(Now, Slo("availability", AlertState.Ok, 0.8), Slo("generation_completion", AlertState.Ok, 0.1));
        Assert.Equal(GateResult.Fail, drained.Result);
        Assert.Equal(0.1, drained.Value);
        Assert.Equal(GateResult.Pass, GateEvaluator.Evaluate(gate with { MaxAlert = AlertState.Ticket, MinBudgetRemaining = null },
            new GateInput([], Slos: [Slo("availability", AlertState.Ticket, 0.8), Slo("generation_completion", AlertState.Ok, 0.1)], SlosAsOf: Now), Settings, Now).Result);

        Assert.Equal(GateResult.Error, Slos(Now, Slo("availability", AlertState.Ok, 0.8)).Result);
        Assert.Equal(GateResult.Error, Slos(Now.AddHours(-1), Slo("availability", AlertState.Ok, 0.8), Slo("generation_completion", AlertState.Ok, 0.5)).Result);
    }

    [Fact]
    public void The_incident_gate_fails_on_an_active_incident_of_its_classes_worse_than_its_severity()
    {
        var gate = new GateDefinition("incidents", IncidentClasses: [IncidentClass.ProviderOutage, IncidentClass.SandboxInstability], MaxSeverity: Severity.Sev3);
        Assert.Equal(GateKind.Incident, gate.Kind);
        GateCheck With(params IncidentSummary[] incidents) => GateEvaluator.Evaluate(gate, new GateInput([], Incidents: incidents), Settings, Now);

        Assert.Equal(GateResult.Pass, With().Result);
        Assert.Equal(GateResult.Pass, With(Incident(1, IncidentClass.ProviderOutage, Severity.Sev3, IncidentStatus.Investigating)).Result);
        Assert.Equal(GateResult.Pass, With(Incident(2, IncidentClass.MigrationRegression, Severity.Sev1, IncidentStatus.Investigating)).Result);
        Assert.Equal(GateResult.Pass, With(Incident(3, IncidentClass.ProviderOutage, Severity.Sev1, IncidentStatus.Resolved)).Result);
        var blocked = With(Incident(4, IncidentClass.SandboxInstability, Severity.Sev2, IncidentStatus.Triage), Incident(5, IncidentClass.ProviderOutage, Severity.Sev4, IncidentStatus.Triage));
        Assert.Equal(GateResult.Fail, blocked.Result);
        Assert.Equal(1, blocked.Value);
        Assert.StartsWith("#4 SEV2 sandbox_instability triage", blocked.Reason);
    }

    private GateCheck Evaluate(GateDefinition gate, Snapshot snapshot, IReadOnlyList<string> cohort, IReadOnlyList<string>? baseline = null) =>
        GateEvaluator.Evaluate(gate, GateInputs.FromSnapshot(snapshot, gate, cohort, baseline ?? [], []), Settings, Now);

    private Snapshot Snapshot(params MetricValue[] metrics) => new(1, Now, Now.AddSeconds(-30), false, metrics, []);

    /// <summary>Generations with random costs around a mean, folded the way the aggregator does: Σ cost ÷ generations.</summary>
    private static MetricValue Generations(string tier, string window, int count, double meanCost, int seed)
    {
        var random = new Random(seed);
        var spend = Enumerable.Range(0, count).Sum(_ => meanCost * (0.5 + random.NextDouble()));
        return new MetricValue(MetricKeys.ProviderCostPerGenerationUsd, window, tier, spend / count, count, null, null, null);
    }

    /// <summary>Completions, each a success with the given probability: good ÷ (good + failed).</summary>
    private static MetricValue Outcomes(string tier, int count, double successRate, int seed)
    {
        var random = new Random(seed);
        var good = Enumerable.Range(0, count).Count(_ => random.NextDouble() < successRate);
        return new MetricValue(MetricKeys.CompletionSuccessRate, "30m", tier, (double)good / count, count, null, null, null);
    }

    private static SloStatus Slo(string key, AlertState alert, double budget) =>
        new(key, key, 0.99, 0.995, budget, null, null, new Dictionary<string, double?>(), alert, 995, 1000);

    private IncidentSummary Incident(long number, IncidentClass incidentClass, Severity severity, IncidentStatus status) =>
        new($"inc-{number}", number, incidentClass, "key", $"incident {number}", severity, status, IncidentSource.Detected,
            Now.AddMinutes(-30), Now.AddMinutes(-25), null, null, null, null, null, null, null, null, null, 1);
}

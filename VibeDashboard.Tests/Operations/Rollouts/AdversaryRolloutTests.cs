using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>
/// What an adversarial pass over issue 11 found: each test failed before its fix. The check loop's cadence, the
/// words a gate's reason uses, which SLO alerts count as "in scope", and names that hide or reorder their text.
/// </summary>
public sealed class AdversaryRolloutTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 17, 0, 0, TimeSpan.Zero);

    private static readonly GateEvaluationSettings Settings = new(TimeSpan.FromMinutes(10));

    private static RolloutDefinition Definition(TimeSpan checkInterval, params GateDefinition[] gates) => new(
        "adv", "2026.12.1", checkInterval, false,
        [new WaveDefinition(["internal"], TimeSpan.FromMinutes(30), 0), new WaveDefinition(["pro"], TimeSpan.FromMinutes(30), 0)],
        gates);

    private static RolloutStatus Running(RolloutDefinition definition, DateTimeOffset startedAt) =>
        RolloutMachine.Apply(definition, RolloutStatus.Draft(definition), new RolloutInput.Start(), startedAt).Status;

    private static SloStatus Slo(string key, AlertState alert) =>
        new(key, key, 0.999, 0.99, 0.5, null, null, new Dictionary<string, double?>(), alert, 990, 1000);

    // The loop ticks every 5 s (PeriodicTimer) and stamps a round with the clock read after loading the rows, so two
    // rounds are 5 s apart give or take a few milliseconds. Due only at ">= interval", a 5 s rollout was checked every
    // 10 s on the live app (rounds at :51.98, :01.98, :16.98, :26.98) and a 1 min one every 60 or 65 s.
    [Theory]
    [InlineData(5, 4.990, true)]
    [InlineData(60, 59.990, true)]
    [InlineData(60, 55.000, false)]
    [InlineData(60, 30.000, false)]
    public void A_round_is_due_on_the_tick_that_reaches_the_interval_even_a_few_milliseconds_early(int intervalSeconds, double sinceLastRound, bool due)
    {
        var definition = Definition(TimeSpan.FromSeconds(intervalSeconds));
        var status = Running(definition, T0) with { LastRoundAt = T0.AddMinutes(1) };
        Assert.Equal(due, RolloutCheckLoop.IsDue(definition, status, T0.AddMinutes(1).AddSeconds(sinceLastRound)));
    }

    // The page shows a gate's reason as it is, and the lead's fix of the page's own numbers (RolloutFormat.Number)
    // did not reach the reasons and timeline lines the machine writes: "3301 <= 1E+04" on the live app.
    [Fact]
    public void A_gate_reason_writes_its_numbers_without_exponents()
    {
        var gate = new GateDefinition("startup p95", MetricKeys.PreviewStartupLatencyMs, MetricStat.P95, "30m", GateOperator.AtMost, 10_000);
        var reading = new TierReading("internal", 3000, 300, T0, P50: 2000, P95: 3301.376, P99: 12_345.6);
        var check = GateEvaluator.Evaluate(gate, new GateInput([reading]), Settings, T0);
        Assert.Equal("3301 <= 10000", check.Reason);

        var failing = GateEvaluator.Evaluate(gate with { Stat = MetricStat.P99 }, new GateInput([reading]), Settings, T0);
        Assert.Equal("12346 > 10000", failing.Reason);
        Assert.Equal("0.9512", GateEvaluator.Number(0.95123));
    }

    // An slo gate with maxAlert "ticket" tolerates a ticket alert (it passes), yet the loop counted every ticket or
    // page alert on the gate's SLOs as "in scope": the rollout paused, the wave could never be ready, and a resume
    // was refused for as long as the tolerated ticket stayed open.
    [Fact]
    public void An_alert_its_slo_gate_tolerates_is_not_in_scope_and_neither_pauses_nor_holds()
    {
        var definition = Definition(TimeSpan.FromMinutes(1), new GateDefinition("slos", Slos: ["availability"], MaxAlert: AlertState.Ticket));
        var status = Running(definition, T0);
        var now = T0.AddMinutes(1);

        var ticket = new Snapshot(1, now, now, false, [], [Slo("availability", AlertState.Ticket)]);
        var round = RolloutCheckLoop.Round(definition, status, ticket, [], Settings, now);
        Assert.Equal(GateResult.Pass, Assert.Single(round.Checks).Result);
        Assert.Empty(round.AlertsInScope);
        Assert.Equal(RolloutState.Running, RolloutMachine.Apply(definition, status, round, now).Status.State);

        var page = new Snapshot(1, now, now, false, [], [Slo("availability", AlertState.Page)]);
        Assert.Equal(["availability"], RolloutCheckLoop.Round(definition, status, page, [], Settings, now).AlertsInScope);
    }

    // Two gates on one SLO: the stricter one says what is tolerated.
    [Fact]
    public void An_slo_listed_by_two_gates_is_in_scope_above_the_stricter_of_their_levels()
    {
        var definition = Definition(TimeSpan.FromMinutes(1),
            new GateDefinition("lenient", Slos: ["availability"], MaxAlert: AlertState.Ticket),
            new GateDefinition("strict", Slos: ["availability"], MaxAlert: AlertState.Ok));
        var now = T0.AddMinutes(1);
        var ticket = new Snapshot(1, now, now, false, [], [Slo("availability", AlertState.Ticket)]);
        Assert.Equal(["availability"], RolloutCheckLoop.Round(definition, Running(definition, T0), ticket, [], Settings, now).AlertsInScope);
    }

    // rate_limit_breaches counts the breaches themselves and crash_restart_rate counts the crashes: a healthy tier has
    // none, so its count is 0 though its value (0 breaches, 0 crashes per preview hour) is known. Judged as "no events
    // in the window", a quota gate on rate_limit_breaches was Inconclusive forever on the live app's quiet enterprise
    // tier, and the wave could never be ready.
    [Theory]
    [InlineData(MetricKeys.RateLimitBreaches, 30)]
    [InlineData(MetricKeys.CrashRestartRate, 0.5)]
    public void A_gate_on_a_count_of_bad_events_passes_a_window_without_any(string metric, double threshold)
    {
        var gate = new GateDefinition("quiet", metric, Window: "1h", Op: GateOperator.AtMost, Threshold: threshold);
        var none = GateEvaluator.Evaluate(gate, new GateInput([new TierReading("enterprise", 0, 0, T0)]), Settings, T0);
        Assert.Equal((GateResult.Pass, (double?)0), (none.Result, none.Value));

        var many = GateEvaluator.Evaluate(gate, new GateInput([new TierReading("enterprise", 100, 100, T0)]), Settings, T0);
        Assert.Equal(GateResult.Fail, many.Result);
    }

    [Fact]
    public void A_crash_rate_without_preview_hours_is_still_a_quiet_tier_and_stale_data_still_never_passes()
    {
        var gate = new GateDefinition("crashes", MetricKeys.CrashRestartRate, Window: "1h", Op: GateOperator.AtMost, Threshold: 0.5);
        Assert.Equal(GateResult.Inconclusive, GateEvaluator.Evaluate(gate, new GateInput([new TierReading("enterprise", null, 0, T0)]), Settings, T0).Result);
        Assert.Equal(GateResult.Error, GateEvaluator.Evaluate(gate, new GateInput([new TierReading("enterprise", 0, 0, T0.AddHours(-1))]), Settings, T0).Result);
    }

    // For the same metrics a minEvents counts bad events too: "minEvents": 20 held a healthy tier inconclusive until
    // it had 20 crashes. Refused, naming why.
    [Fact]
    public void A_minimum_sample_on_a_count_of_bad_events_is_refused()
    {
        const string json = """
            { "name": "n", "release": "r", "waves": [ { "tiers": ["internal"], "observation": "30m" } ],
              "gates": [ { "name": "crashes", "metric": "crash_restart_rate", "window": "1h", "op": "<=", "threshold": 0.5, "minEvents": 20 } ] }
            """;
        Assert.False(RolloutDefinitionJson.TryParse(json, new RolloutDefinitionContext(new HashSet<string>(), null), out _, out var problems));
        var problem = Assert.Single(problems);
        Assert.Equal("gates[0].minEvents", problem.Path);
        Assert.Contains("counts the crashes", problem.Message);
    }

    // A baseline gate on a metric with no better direction (a total or a count: artifact_growth, rate_limit_breaches,
    // cost_burn, rate_limit_breaches_per_hour) was accepted with a 201, then was Error on every round ("no known better
    // direction") until five of them paused the rollout. Refused when it is defined instead.
    [Theory]
    [InlineData(MetricKeys.ArtifactGrowth)]
    [InlineData(MetricKeys.RateLimitBreaches)]
    [InlineData(RolloutMetrics.CostBurn)]
    [InlineData(RolloutMetrics.RateLimitBreachesPerHour)]
    public void A_baseline_gate_on_a_metric_without_a_better_direction_is_refused(string metric)
    {
        var json = $$"""
            { "name": "n", "release": "r", "waves": [ { "tiers": ["internal"], "observation": "30m" } ],
              "gates": [ { "name": "vs baseline", "metric": "{{metric}}", "window": "1h", "baseline": true, "maxWorseBy": 0.1 } ] }
            """;
        Assert.False(RolloutDefinitionJson.TryParse(json, new RolloutDefinitionContext(new HashSet<string>(), 3000), out _, out var problems));
        var problem = Assert.Single(problems);
        Assert.Equal("gates[0].metric", problem.Path);
        Assert.Contains("baseline", problem.Message);
    }

    [Fact]
    public void Every_metric_a_baseline_gate_accepts_has_a_direction()
    {
        foreach (var metric in GateMetrics.All)
        {
            var json = $$"""
                { "name": "n", "release": "r", "waves": [ { "tiers": ["internal"], "observation": "30m" } ],
                  "gates": [ { "name": "b", "metric": "{{metric}}", "window": "1h", "baseline": true, "maxWorseBy": 0.01 } ] }
                """;
            var parsed = RolloutDefinitionJson.TryParse(json, new RolloutDefinitionContext(new HashSet<string>(), 3000), out _, out _);
            Assert.Equal(MetricDirections.Of(metric) is not null, parsed);
        }
    }

    // A reason goes into a one-line timeline entry, the audit log and every webhook: a NUL or a bidi override
    // ("bad\0tail \u202Egnp.exe") was stored and published as sent. Line breaks and tabs stay allowed.
    [Theory]
    [InlineData("bad\u0000tail")]
    [InlineData("looks fine \u202Egnp.exe")]
    [InlineData("bell\u0007")]
    public async Task A_reason_with_control_or_bidi_characters_is_refused(string reason)
    {
        await using var h = new RolloutHarness();
        var rollout = await h.StartedAsync();
        var paused = await h.SendAsync(new RolloutControlCommand(rollout.Id, new RolloutInput.Pause(reason)) { ExpectedVersion = rollout.Version, Reason = reason });
        Assert.Equal(VibeDashboard.Operations.Commands.CommandOutcome.Invalid, paused.Outcome);
        Assert.StartsWith("reason: holds a", paused.Error);

        var multiline = await h.SendAsync(new RolloutControlCommand(rollout.Id, new RolloutInput.Pause("provider 5xx\n\tsee #inc-12")) { ExpectedVersion = rollout.Version, Reason = "provider 5xx\n\tsee #inc-12" });
        Assert.True(multiline.Succeeded, multiline.Error);
    }

    // The rules above refuse at creation what an older build stored. Reading a stored definition must not apply them
    // again: on the live app a rollout stored before them (a baseline gate on rate_limit_breaches_per_hour) made
    // GET /api/rollouts, the exposure the Worker polls and the hub fail with a 500 for every rollout.
    [Fact]
    public async Task A_definition_stored_before_a_rule_was_added_stays_readable_in_the_list_and_the_exposure()
    {
        await using var h = new RolloutHarness();
        var rollout = await h.StartedAsync();
        const string stored = """
            { "name": "legacy \u200b", "release": "r \u202e1", "checkInterval": "1m", "autoPromote": false,
              "waves": [ { "tiers": ["internal"], "observation": "1m", "minEvents": 10 }, { "tiers": ["pro"], "observation": "1m", "minEvents": 10 } ],
              "gates": [ { "name": "completion", "metric": "rate_limit_breaches_per_hour", "window": "1h", "baseline": true, "maxWorseBy": 0.1 },
                         { "name": "crashes", "metric": "crash_restart_rate", "window": "1h", "op": "<=", "threshold": 0.5, "minEvents": 20 } ] }
            """;
        await using (var connection = await h.Services.GetRequiredService<VibeDashboard.Storage.SqliteConnectionFactory>().OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE _vd_rollouts SET definition_json = @stored WHERE number = 1", new { stored });
        }

        var listed = Assert.Single(await h.Board.ListAsync(CancellationToken.None));
        Assert.Equal(rollout.Id, listed.Id);
        Assert.Equal(2, listed.Definition.Gates.Count);
        Assert.Equal(["internal"], Assert.Single((await h.Board.ExposureAsync(CancellationToken.None)).Rollouts).EnabledTiers);
    }

    // Names are shown on one line in the audit log, the timeline and webhooks; a bidi override reorders what follows
    // it (a rollout "‮1.21.6202" reads as a different release), and a name of zero-width characters shows as nothing.
    [Theory]
    [InlineData("release \u202e1.21.6202", "bidi")]
    [InlineData("a\u2066b\u2069", "bidi")]
    [InlineData("\u200b", "empty")]
    [InlineData("\u200b\u200d\ufeff", "empty")]
    public void A_name_that_reorders_or_hides_its_text_is_refused(string name, string problem) =>
        Assert.Contains(problem, RolloutDefinitionJson.NameProblem(name));

    [Theory]
    [InlineData("vibesdk 2026.12")]
    [InlineData("family \U0001F468\u200D\U0001F469\u200D\U0001F467")]
    [InlineData("ünïcødé 🚀")]
    public void Names_with_visible_text_stay_allowed(string name) => Assert.Null(RolloutDefinitionJson.NameProblem(name));
}

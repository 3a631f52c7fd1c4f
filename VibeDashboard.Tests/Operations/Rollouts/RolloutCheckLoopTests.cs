using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>The check loop on a fake clock and a hand-fed snapshot: when it checks, what it reads, and what the rounds do.</summary>
public sealed class RolloutCheckLoopTests : IAsyncLifetime
{
    private readonly RolloutHarness _h = new();

    private RolloutCheckLoop Loop => _h.Services.GetRequiredService<RolloutCheckLoop>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>The internal tier's completion rate in every window, 100 generations, data as of now.</summary>
    private void Completion(double rate, DateTimeOffset? asOf = null) =>
        _h.Metrics.Current = new Snapshot(1, _h.Time.GetUtcNow(), asOf ?? _h.Time.GetUtcNow(), false,
            VibeDashboard.Aggregation.Windows.All.Select(w => new MetricValue(MetricKeys.CompletionSuccessRate, w.Name, "internal", rate, 100, null, null, null)).ToList(), []);

    private async Task<RolloutView> ReadAsync(string id) => (await _h.Board.GetAsync(id, CancellationToken.None))!;

    [Fact]
    public async Task Two_failing_rounds_one_interval_apart_roll_the_wave_back_and_the_exposure_loses_its_tiers()
    {
        var rollout = await _h.StartedAsync();
        Completion(0.80);
        Assert.Equal(["internal"], (await _h.Board.ExposureAsync(CancellationToken.None)).Rollouts.Single().EnabledTiers);

        Assert.Equal(0, await Loop.RunOnceAsync(CancellationToken.None));
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Loop.RunOnceAsync(CancellationToken.None));
        var once = await ReadAsync(rollout.Id);
        Assert.Equal((RolloutState.Running, 1, WaveState.Held), (once.Status.State, once.Status.Gates[0].FailStreak, once.Status.Waves[0].State));

        _h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await Loop.RunOnceAsync(CancellationToken.None));
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        Completion(0.78);
        Assert.Equal(1, await Loop.RunOnceAsync(CancellationToken.None));

        var rolledBack = await ReadAsync(rollout.Id);
        Assert.Equal(RolloutState.RolledBack, rolledBack.Status.State);
        Assert.Equal(WaveState.RolledBack, rolledBack.Status.Waves[0].State);
        var exposure = (await _h.Board.ExposureAsync(CancellationToken.None)).Rollouts.Single();
        Assert.Empty(exposure.EnabledTiers);
        var last = (await _h.EntriesAsync()).Last();
        Assert.Equal(("rollout.check", ActorKind.System), (last.Action, last.ActorKind));
        Assert.Contains("rollout.rolled_back", await _h.EventsAsync());
        Assert.Equal(0, await Loop.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Passing_rounds_over_the_observation_window_make_the_wave_ready()
    {
        var rollout = await _h.StartedAsync();
        Completion(0.99);

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Loop.RunOnceAsync(CancellationToken.None));

        var ready = await ReadAsync(rollout.Id);
        Assert.Equal(RolloutState.Ready, ready.Status.State);
        Assert.Equal(100, ready.Status.LastSample);
        Assert.Equal(GateResult.Pass, ready.Status.Gates[0].Last!.Result);
    }

    [Fact]
    public async Task Stale_data_is_an_error_never_a_pass_and_holds_the_wave()
    {
        var rollout = await _h.StartedAsync();
        Completion(0.99, asOf: _h.Time.GetUtcNow() - TimeSpan.FromHours(1));

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await Loop.RunOnceAsync(CancellationToken.None);

        var held = await ReadAsync(rollout.Id);
        Assert.Equal(GateResult.Error, held.Status.Gates[0].Last!.Result);
        Assert.Equal(WaveState.Held, held.Status.Waves[0].State);
        Assert.Equal(0, held.Status.Gates[0].FailStreak);
    }

    [Fact]
    public async Task An_slo_alert_in_scope_pauses_the_rollout()
    {
        var definition = RolloutHarness.Definition() with { Gates = [new GateDefinition("slos", Slos: ["availability"])] };
        var rollout = await _h.StartedAsync(definition);
        _h.Metrics.Current = new Snapshot(1, _h.Time.GetUtcNow(), _h.Time.GetUtcNow(), false, [],
            [new SloStatus("availability", "Availability", 0.999, 0.99, -0.2, null, null, new Dictionary<string, double?>(), AlertState.Page, 990, 1000)]);

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await Loop.RunOnceAsync(CancellationToken.None);

        var paused = await ReadAsync(rollout.Id);
        Assert.Equal(RolloutState.Paused, paused.Status.State);
        Assert.Equal(["availability"], paused.Status.AlertsInScope);
        Assert.Contains("rollout.paused", await _h.EventsAsync());
    }

    [Fact]
    public async Task A_baseline_gate_compares_the_cohort_with_the_tiers_not_yet_exposed()
    {
        var definition = RolloutHarness.Definition() with
        {
            Gates = [new GateDefinition("vs baseline", Metric: MetricKeys.CompletionSuccessRate, Window: "30m", Baseline: true, MaxWorseBy: 0.02)],
        };
        var rollout = await _h.StartedAsync(definition);
        _h.Metrics.Current = new Snapshot(1, _h.Time.GetUtcNow(), _h.Time.GetUtcNow(), false,
        [
            new MetricValue(MetricKeys.CompletionSuccessRate, "30m", "internal", 0.90, 100, null, null, null),
            new MetricValue(MetricKeys.CompletionSuccessRate, "30m", "pro", 0.97, 300, null, null, null),
            new MetricValue(MetricKeys.CompletionSuccessRate, "30m", "free", 0.97, 700, null, null, null),
        ], []);

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await Loop.RunOnceAsync(CancellationToken.None);

        var check = (await _h.Board.ChecksAsync(rollout.Id, 1, CancellationToken.None)).Single();
        Assert.Equal(GateResult.Fail, check.Result);
        Assert.Equal(0.97, check.Baseline!.Value, 3);
        Assert.Equal(0.90, check.Value!.Value, 3);
    }

    [Fact]
    public async Task An_open_incident_of_a_listed_class_fails_the_incident_gate()
    {
        var definition = RolloutHarness.Definition() with { Gates = [new GateDefinition("incidents", IncidentClasses: [IncidentClass.ProviderOutage], MaxSeverity: Severity.Sev3)] };
        var rollout = await _h.StartedAsync(definition);
        var declared = await _h.Pipeline.SendAsync(new DeclareIncidentCommand(IncidentClass.ProviderOutage, "Provider 5xx", Severity.Sev2), RolloutHarness.Operator);
        Assert.True(declared.Succeeded, declared.Error);

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await Loop.RunOnceAsync(CancellationToken.None);

        var held = (await _h.Board.GetAsync(rollout.Id, CancellationToken.None))!;
        Assert.Equal(GateResult.Fail, held.Status.Gates[0].Last!.Result);
        Assert.Equal(1, held.Status.Gates[0].FailStreak);
    }
}

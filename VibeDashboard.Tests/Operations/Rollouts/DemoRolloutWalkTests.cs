using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Demo;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>
/// The issue's "done when" on demo data, with the real demo store, live appender, aggregator and check loop on a
/// fake clock stepped every 15 s: a rollout from the demo template, its readiness judged and attested, gate checks
/// arriving, the first wave ready after its observation window and promoted, then the second wave's tier degraded
/// and rolled back by the system after two failed checks — the exposure, the audit log and the outbox following
/// every step.
/// </summary>
public sealed class DemoRolloutWalkTests
{
    // A Tuesday afternoon: the demo's busy hours.
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Start_from_the_demo_template_promote_a_ready_wave_and_see_a_degraded_tier_rolled_back_after_two_checks()
    {
        await using var harness = new RolloutHarness(now: Start, settings: new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "14" });
        var services = harness.Services;
        var seeder = services.GetRequiredService<DemoSeeder>();
        Assert.True(await seeder.EnsureDemoAsync());
        using var aggregator = RolloutHarness.Aggregator(services, harness.Time);
        var loop = services.GetRequiredService<RolloutCheckLoop>();

        async Task StepAsync()
        {
            harness.Time.Advance(TimeSpan.FromSeconds(15));
            Assert.True(await seeder.AppendLiveAsync());
            await aggregator.TickAsync();
            harness.Metrics.Current = aggregator.Current;
            await loop.RunOnceAsync(CancellationToken.None);
        }

        await aggregator.TickAsync();
        harness.Metrics.Current = aggregator.Current;

        // The demo template, created by an operator; readiness judged from the demo's data.
        var template = (await services.GetRequiredService<IRolloutTemplates>().ListAsync(CancellationToken.None)).Single(t => t.Name == DemoRolloutTemplate.Name);
        var draft = await harness.OkAsync(new CreateRolloutCommand(template, template.Name));
        var judged = draft.Readiness.ToDictionary(i => i.Item, i => i.Result);
        Assert.Equal(ReadinessResult.Passed, judged[ReadinessItemKey.Observability]);
        Assert.Equal(ReadinessResult.Passed, judged[ReadinessItemKey.MigrationRollback]);
        Assert.Equal(ReadinessResult.Passed, judged[ReadinessItemKey.CostQuotaGuardrails]);
        Assert.Equal(ReadinessResult.Unknown, judged[ReadinessItemKey.RotationOwnership]);

        // An admin attests what the data does not show; then the operator starts it, no override needed.
        var current = draft;
        foreach (var item in draft.Readiness.Where(i => !i.Satisfied))
        {
            current = await harness.OkAsync(new AttestReadinessCommand(current.Id, item.Item, "https://wiki.example.com/release/2026.12#" + item.Item.Name()) { ExpectedVersion = current.Version }, RolloutHarness.Admin);
        }

        current = await harness.OkAsync(new RolloutControlCommand(current.Id, new RolloutInput.Start()) { ExpectedVersion = current.Version });
        Assert.Equal(RolloutState.Running, current.Status.State);
        Assert.Equal(["pro"], await ExposedAsync(harness, current.Id));

        // Checks arrive every 15 s; after the 5 min observation with every gate passing, wave 1 is ready.
        for (var i = 0; i < 30 && (await harness.Board.GetAsync(current.Id, CancellationToken.None))!.Status.State != RolloutState.Ready; i++)
        {
            await StepAsync();
        }

        current = (await harness.Board.GetAsync(current.Id, CancellationToken.None))!;
        Assert.True(current.Status.State == RolloutState.Ready, $"{current.Status.State}: {RolloutMachine.WhyNotPromotable(current.Definition, current.Status, harness.Time.GetUtcNow())}");
        Assert.All(current.Status.Gates, g => Assert.Equal(GateResult.Pass, g.Last?.Result));
        Assert.True(current.Status.Waves[0].ReadyAt - current.Status.Waves[0].StartedAt >= TimeSpan.FromMinutes(5));
        var checks = await harness.Board.ChecksAsync(current.Id, 500, CancellationToken.None);
        Assert.True(checks.Count >= 20 * current.Definition.Gates.Count, $"{checks.Count} checks");

        current = await harness.OkAsync(new RolloutControlCommand(current.Id, new RolloutInput.Promote()) { ExpectedVersion = current.Version });
        Assert.Equal(1, current.Status.CurrentWave);
        Assert.Equal(["pro", "free"], await ExposedAsync(harness, current.Id));

        // A step with the new wave passing, then free's generations start failing.
        await StepAsync();
        var fault = await harness.Pipeline.SendAsync(new InjectDemoFaultCommand("free", TimeSpan.FromMinutes(10)), RolloutHarness.Operator);
        Assert.True(fault.Succeeded, fault.Error);
        for (var i = 0; i < 8 && (await harness.Board.GetAsync(current.Id, CancellationToken.None))!.Status.State != RolloutState.RolledBack; i++)
        {
            await StepAsync();
        }

        current = (await harness.Board.GetAsync(current.Id, CancellationToken.None))!;
        Assert.Equal(RolloutState.RolledBack, current.Status.State);
        Assert.Equal(WaveState.RolledBack, current.Status.Waves[1].State);
        Assert.Equal(["pro"], await ExposedAsync(harness, current.Id)); // the promoted wave stays, free leaves at once
        var rollback = current.Timeline.Last(l => l.Event == RolloutEventKind.RolledBack);
        Assert.True(rollback.Automatic);
        var culprit = Assert.Single(rollback.Evidence.GroupBy(e => e.Gate));
        Assert.Equal(2, culprit.Count());
        Assert.All(culprit, c => Assert.Equal(GateResult.Fail, c.Result));
        Assert.Contains("rolled back automatically", rollback.Text, StringComparison.Ordinal);

        // Every step in the audit log (the system's rounds as the system) and on the webhook's queue, in order.
        var entries = await harness.EntriesAsync();
        Assert.Equal(
            ["rollout.create", "rollout.attest", "rollout.start", "rollout.promote", "demo.fault_inject"],
            entries.Where(e => e.ActorKind != ActorKind.System).Select(e => e.Action).Distinct().ToList());
        Assert.All(entries.Where(e => e.Action == "rollout.check"), e => Assert.Equal(ActorKind.System, e.ActorKind));
        Assert.Contains(entries, e => e.Action == "rollout.check" && (e.AfterJson ?? "").Contains("rolled_back", StringComparison.Ordinal));
        var events = await harness.EventsAsync();
        Assert.Equal(["rollout.started", "rollout.wave_promoted", "rollout.gate_failed", "rollout.rolled_back"], events.Distinct().ToList());
        Assert.Equal("rollout.rolled_back", events[^1]);
    }

    private static async Task<IReadOnlyList<string>> ExposedAsync(RolloutHarness harness, string id)
    {
        var (rollouts, _) = await harness.Board.ExposureAsync(CancellationToken.None);
        return rollouts.Single(r => r.Id == id).EnabledTiers;
    }
}

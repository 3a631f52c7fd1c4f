using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>The pure judge: the preview-startup alert over 24 h, ownership, attestations and whether the first wave may start.</summary>
public sealed class ReadinessJudgeTests
{
    private static readonly DateTimeOffset Now = ReadinessKit.Now;

    private static readonly ReadinessEvidence Good = new(
        Now,
        new Dictionary<string, long> { ["api"] = 10, ["agent"] = 20, ["sandbox"] = 30, ["ai_gateway"] = 40 },
        new EventTally(2, Now.AddDays(-3)),
        new EventTally(1, Now.AddDays(-5)),
        0,
        new EventTally(12, Now.AddDays(-1)),
        6,
        Now.AddHours(-3));

    private static ReadinessAttestation Attest(ReadinessItemKey item, DateTimeOffset at, string by = "ada@example.com") =>
        new(item, by, at, "https://wiki.example.com/runbooks/rotation");

    private static ReadinessItem Concurrency(SloStatus? slo, params AlertTransition[] alerts) =>
        ReadinessKit.ItemOf(ReadinessJudge.Judge(ReadinessKit.Input(Good, slo: slo, alerts: alerts) with { PreviewStartup = slo }), ReadinessItemKey.PreviewConcurrency);

    private static AlertTransition Change(TimeSpan ago, AlertState from, AlertState to) => new(Now - ago, "preview_startup", from, to, "burn");

    [Fact]
    public void Preview_startup_ok_for_the_whole_day_passes()
    {
        var item = Concurrency(ReadinessKit.PreviewStartup(), Change(TimeSpan.FromHours(30), AlertState.Ok, AlertState.Ticket), Change(TimeSpan.FromHours(25), AlertState.Ticket, AlertState.Ok));

        Assert.Equal(ReadinessResult.Passed, item.Result);
        Assert.Equal("preview_startup not alerting in the last 24 h; peak 6 concurrent sandboxes in the last 24 h at 2026-11-26 18:00Z ≥ expected 4", item.Evidence);
    }

    [Fact]
    public void A_page_that_came_and_went_inside_the_day_fails()
    {
        // Newest first, as the feed returns it.
        var item = Concurrency(ReadinessKit.PreviewStartup(), Change(TimeSpan.FromHours(1), AlertState.Page, AlertState.Ok), Change(TimeSpan.FromHours(3), AlertState.Ok, AlertState.Page));

        Assert.Equal(ReadinessResult.Failed, item.Result);
        Assert.StartsWith("preview_startup alerted in the last 24 h (worst page, now ok, 2 changes)", item.Evidence);
    }

    [Fact]
    public void An_alert_firing_since_before_the_day_fails_though_nothing_changed_in_it()
    {
        var item = Concurrency(ReadinessKit.PreviewStartup(AlertState.Ticket), Change(TimeSpan.FromHours(30), AlertState.Ok, AlertState.Ticket));

        Assert.Equal(ReadinessResult.Failed, item.Result);
        Assert.StartsWith("preview_startup alerted in the last 24 h (worst ticket, now ticket, 0 changes)", item.Evidence);
    }

    [Fact]
    public void Without_the_slo_or_its_history_the_alert_half_is_unknown()
    {
        var item = Concurrency(null);

        Assert.Equal(ReadinessResult.Unknown, item.Result);
        Assert.StartsWith("no preview_startup SLO in the snapshot", item.Evidence);
    }

    [Fact]
    public void A_class_without_an_owner_fails_ownership_naming_it()
    {
        var runbooks = ReadinessKit.Runbooks()
            .Where(r => r.Class != IncidentClass.AuthPolicyFailure)
            .Select(r => r.Class == IncidentClass.MigrationRegression ? r with { Owner = " " } : r)
            .ToList();

        var item = ReadinessKit.ItemOf(ReadinessJudge.Judge(ReadinessKit.Input(Good, runbooks: runbooks)), ReadinessItemKey.RotationOwnership);

        Assert.Equal(ReadinessResult.Failed, item.Result);
        Assert.StartsWith("no owner for migration_regression, auth_policy_failure; key/token rotation cannot be seen", item.Evidence);
    }

    [Fact]
    public void Configured_owners_are_the_evidence_of_ownership()
    {
        var options = new IncidentOptions();
        options.Classes["unclassified"] = new IncidentClassOptions { Owner = "sre-lead" };

        var item = ReadinessKit.ItemOf(ReadinessJudge.Judge(ReadinessKit.Input(Good, runbooks: ReadinessKit.Runbooks(options))), ReadinessItemKey.RotationOwnership);

        Assert.EndsWith("auth_policy_failure security-oncall, unclassified sre-lead", item.Evidence);
    }

    [Fact]
    public void Rotation_attested_lets_the_first_wave_start_and_shows_who_and_where()
    {
        var before = ReadinessJudge.Judge(ReadinessKit.Input(Good));
        var verdict = ReadinessJudge.CanStart(before);
        Assert.False(verdict.CanStart);
        Assert.Equal(
            "Key/token rotation and incident ownership documented: unknown — key/token rotation cannot be seen in the data: an admin attests it; every incident class has an owner: " +
            "provider_outage ai-platform-oncall, sandbox_instability runtime-oncall, migration_regression data-oncall, auth_policy_failure security-oncall, unclassified platform-oncall",
            Assert.Single(verdict.Reasons));

        var older = Attest(ReadinessItemKey.RotationOwnership, Now.AddDays(-40), "bob@example.com");
        var newest = Attest(ReadinessItemKey.RotationOwnership, Now.AddHours(-1));
        var items = ReadinessJudge.Judge(ReadinessKit.Input(Good, attestations: [newest, older]));

        var item = ReadinessKit.ItemOf(items, ReadinessItemKey.RotationOwnership);
        Assert.Equal(ReadinessResult.Attested, item.Result);
        Assert.Same(newest, item.Attestation);
        Assert.EndsWith("; attested by ada@example.com at 2026-11-26 20:00Z", item.Evidence);
        Assert.True(ReadinessJudge.CanStart(items).CanStart);
        Assert.Empty(ReadinessJudge.CanStart(items).Reasons);
    }

    [Fact]
    public void A_failing_item_attested_counts_for_start_but_keeps_its_evidence()
    {
        var evidence = Good with { RollbackDrills = EventTally.None };
        var items = ReadinessJudge.Judge(ReadinessKit.Input(evidence, attestations:
        [
            Attest(ReadinessItemKey.MigrationRollback, Now.AddMinutes(-5)),
            Attest(ReadinessItemKey.RotationOwnership, Now.AddMinutes(-5)),
        ]));

        var item = ReadinessKit.ItemOf(items, ReadinessItemKey.MigrationRollback);
        Assert.Equal(ReadinessResult.Attested, item.Result);
        Assert.StartsWith("no rollback_drill from ci in the last 30 days; ", item.Evidence);
        Assert.True(ReadinessJudge.CanStart(items).CanStart);
    }

    [Fact]
    public void Attestations_dated_ahead_or_by_nobody_do_not_count_and_passed_evidence_stays_passed()
    {
        var items = ReadinessJudge.Judge(ReadinessKit.Input(Good, attestations:
        [
            Attest(ReadinessItemKey.RotationOwnership, Now.AddMinutes(1)),
            Attest(ReadinessItemKey.RotationOwnership, Now.AddMinutes(-1), by: " "),
            Attest(ReadinessItemKey.Observability, Now.AddMinutes(-1)),
        ]));

        Assert.Equal(ReadinessResult.Unknown, ReadinessKit.ItemOf(items, ReadinessItemKey.RotationOwnership).Result);
        var observability = ReadinessKit.ItemOf(items, ReadinessItemKey.Observability);
        Assert.Equal(ReadinessResult.Passed, observability.Result);
        Assert.Null(observability.Attestation);
        Assert.False(ReadinessJudge.CanStart(items).CanStart);
    }

    [Fact]
    public void CanStart_names_every_item_holding_the_start_back_and_one_not_judged()
    {
        var items = ReadinessJudge.Judge(ReadinessKit.Input(Good with { PeakConcurrentSandboxes = 1 }, expected: 3));

        var verdict = ReadinessJudge.CanStart(items.Where(i => i.Item != ReadinessItemKey.Observability).ToList());

        Assert.False(verdict.CanStart);
        Assert.Equal(
        [
            "Preview and deploy paths stable under expected concurrency: failed — peak 1 concurrent sandboxes in the last 24 h at 2026-11-26 18:00Z < expected 3; preview_startup not alerting in the last 24 h",
            "Key/token rotation and incident ownership documented: unknown — key/token rotation cannot be seen in the data: an admin attests it; every incident class has an owner: " +
            "provider_outage ai-platform-oncall, sandbox_instability runtime-oncall, migration_regression data-oncall, auth_policy_failure security-oncall, unclassified platform-oncall",
            "Observability enabled for API, agent and sandbox paths: not judged",
        ], verdict.Reasons);
    }

    [Fact]
    public void Item_names_on_the_wire_are_snake_case()
    {
        Assert.Equal(
            ["observability", "migration_rollback", "preview_concurrency", "rotation_ownership", "cost_quota_guardrails"],
            ReadinessJudge.Items.Select(i => i.Name()));
        Assert.Equal(["passed", "failed", "attested", "unknown"], Enum.GetValues<ReadinessResult>().Select(r => r.Name()));
    }
}

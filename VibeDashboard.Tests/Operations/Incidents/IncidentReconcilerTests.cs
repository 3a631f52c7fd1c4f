using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary>Episodes into incidents: live and historical, idempotent, no flapping duplicates, the human state left to people.</summary>
public sealed class IncidentReconcilerTests : IAsyncLifetime
{
    private readonly IncidentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private DateTimeOffset Now => _h.Time.GetUtcNow();

    private static DetectedEpisode Outage(DateTimeOffset started, DateTimeOffset? cleared, string key = "anthropic", double ratio = 0.41) => new(
        IncidentClass.ProviderOutage, key, "provider_error_ratio", started, cleared, Severity.Sev2, $"{key} llm_call errors {ratio:P0}",
        new SignalEvidence($"{key} error ratio {ratio:0.00} ≥ 0.25 over 5 min (120 calls)", [new EvidenceValue("error_ratio", ratio, "≥", 0.25)], ["rate_limited", "upstream_5xx"], ["pro", "free"], 0.3));

    private Task ReconcileAsync(bool full, params DetectedEpisode[] episodes) =>
        _h.Sink.ReconcileAsync(new DetectionResult(full ? Now.AddDays(-30) : Now.AddHours(-2), Now, episodes, full), CancellationToken.None);

    private async Task<IReadOnlyList<IncidentSummary>> AllAsync() => await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None);

    [Fact]
    public async Task An_active_episode_opens_one_live_incident_owned_by_the_runbook_with_its_evidence_audited_and_announced()
    {
        var started = Now.AddMinutes(-6);
        await ReconcileAsync(false, Outage(started, null));

        var incident = Assert.Single(await AllAsync());
        Assert.Equal(IncidentSource.Detected, incident.Source);
        Assert.Equal(IncidentStatus.Triage, incident.Status);
        Assert.Equal(IncidentClass.ProviderOutage, incident.Class);
        Assert.Equal("anthropic", incident.Key);
        Assert.Equal(Severity.Sev2, incident.Severity);
        Assert.Equal("ai-platform-oncall", incident.Owner);
        Assert.Equal(started, incident.StartedAt);
        Assert.Equal(Now, incident.DetectedAt);
        Assert.True(incident.Signal!.Active);
        Assert.Equal(["rate_limited", "upstream_5xx"], incident.Signal.Evidence.TopErrorCodes);

        var detail = await _h.DetailAsync(incident.Number);
        Assert.StartsWith("Fail over to validated backup route", detail.Checklist[0].Text);
        var detected = Assert.Single(detail.Timeline);
        Assert.Equal(TimelineKind.Detected, detected.Kind);
        Assert.Contains("\"topErrorCodes\"", detected.Data);

        var entry = Assert.Single(await _h.EntriesAsync());
        Assert.Equal("incident.detect", entry.Action);
        Assert.Equal(ActorKind.System, entry.ActorKind);
        Assert.Equal("inc-1", entry.TargetId);
        Assert.Contains("error ratio 0.41", entry.Reason);
        Assert.Contains("upstream_5xx", entry.AfterJson);
        Assert.Equal([IncidentEvents.Created], await _h.EventsAsync());
    }

    [Fact]
    public async Task An_episode_that_began_and_cleared_before_the_import_is_recorded_closed_from_history_without_a_page()
    {
        var started = Now.AddDays(-9);
        var cleared = started.AddMinutes(47);
        await ReconcileAsync(true, Outage(started, cleared));

        var incident = Assert.Single(await AllAsync());
        Assert.Equal(IncidentSource.Historical, incident.Source);
        Assert.Equal(IncidentStatus.Closed, incident.Status);
        Assert.Equal(started, incident.StartedAt);
        Assert.Equal(cleared, incident.ResolvedAt);
        Assert.Equal(cleared, incident.EndedAt);
        Assert.False(incident.Signal!.Active);
        Assert.Equal(cleared, incident.Signal.ClearedAt);
        Assert.Empty(await _h.Board.ListAsync(new IncidentQuery(), CancellationToken.None));
        Assert.Empty(await _h.EventsAsync());
        Assert.Equal("incident.detect", Assert.Single(await _h.EntriesAsync()).Action);
    }

    [Fact]
    public async Task The_same_result_twice_and_an_overlapping_reimport_change_nothing_and_audit_nothing()
    {
        var old = Outage(Now.AddDays(-9), Now.AddDays(-9).AddMinutes(47));
        var live = Outage(Now.AddMinutes(-6), null, key: "openai");
        await ReconcileAsync(true, old, live);
        var entries = (await _h.EntriesAsync()).Count;
        var before = await AllAsync();

        await ReconcileAsync(true, old, live);
        // An overlapping export: the same two episodes, and one more that only the new export's days show.
        await ReconcileAsync(true, old, live, Outage(Now.AddDays(-2), Now.AddDays(-2).AddMinutes(20), key: "google"));

        var after = await AllAsync();
        Assert.Equal(3, after.Count);
        Assert.Equal(before.Select(i => (i.Number, i.Version)), after.Where(i => i.Key != "google").Select(i => (i.Number, i.Version)));
        Assert.Equal(entries + 1, (await _h.EntriesAsync()).Count);
    }

    [Fact]
    public async Task A_signal_that_clears_and_fires_again_within_the_reopen_window_stays_one_incident_with_signal_lines()
    {
        var started = Now.AddMinutes(-6);
        await ReconcileAsync(false, Outage(started, null));
        var incident = Assert.Single(await AllAsync());
        incident = await _h.OkAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Acknowledge("olivia@example.com")) { ExpectedVersion = incident.Version });

        _h.Time.Advance(TimeSpan.FromMinutes(20));
        var cleared = Now.AddMinutes(-2);
        await ReconcileAsync(false, Outage(started, cleared));
        var afterClear = Assert.Single(await AllAsync());
        Assert.False(afterClear.Signal!.Active);
        Assert.Equal(IncidentStatus.Investigating, afterClear.Status);

        // Fires again 10 minutes later: the detector either merges it into the episode or reports a new span.
        _h.Time.Advance(TimeSpan.FromMinutes(12));
        await ReconcileAsync(false, Outage(cleared.AddMinutes(10), null));
        var again = Assert.Single(await AllAsync());
        Assert.True(again.Signal!.Active);
        Assert.Equal(started, again.Signal.StartedAt);
        Assert.Equal(IncidentStatus.Investigating, again.Status);

        var signals = (await _h.DetailAsync(again.Number)).Timeline.Where(e => e.Kind == TimelineKind.Signal).Select(e => e.Text).ToList();
        Assert.Equal(2, signals.Count);
        Assert.StartsWith("signal cleared", signals[0]);
        Assert.StartsWith("signal fired again", signals[1]);
        Assert.Equal([IncidentEvents.Created, IncidentEvents.Assigned], await _h.EventsAsync());
    }

    [Fact]
    public async Task A_signal_firing_again_reopens_a_resolved_incident_and_after_a_close_opens_a_new_one()
    {
        var started = Now.AddMinutes(-6);
        await ReconcileAsync(false, Outage(started, null));
        var incident = Assert.Single(await AllAsync());
        incident = await _h.OkAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Acknowledge("olivia@example.com")) { ExpectedVersion = incident.Version });
        _h.Time.Advance(TimeSpan.FromMinutes(20));
        await ReconcileAsync(false, Outage(started, Now.AddMinutes(-1)));
        incident = Assert.Single(await AllAsync());
        incident = await _h.OkAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Resolve("failed over")) { ExpectedVersion = incident.Version });

        _h.Time.Advance(TimeSpan.FromMinutes(5));
        await ReconcileAsync(false, Outage(started, null));
        var reopened = Assert.Single(await AllAsync());
        Assert.Equal(IncidentStatus.Investigating, reopened.Status);
        Assert.Null(reopened.ResolvedAt);
        var last = (await _h.EntriesAsync()).Last();
        Assert.Equal("incident.signal", last.Action);
        Assert.Equal(ActorKind.System, last.ActorKind);
        Assert.Equal(IncidentEvents.Reopened, (await _h.EventsAsync()).Last());

        // Cleared, resolved and closed by people; then it fires again inside the window: a new live incident.
        _h.Time.Advance(TimeSpan.FromMinutes(10));
        await ReconcileAsync(false, Outage(started, Now.AddMinutes(-1)));
        reopened = Assert.Single(await AllAsync());
        reopened = await _h.OkAsync(new IncidentActionCommand(reopened.Number, new IncidentAction.ChangeSeverity(Severity.Sev3)) { ExpectedVersion = reopened.Version });
        reopened = await _h.OkAsync(new IncidentActionCommand(reopened.Number, new IncidentAction.Resolve()) { ExpectedVersion = reopened.Version });
        await _h.OkAsync(new IncidentActionCommand(reopened.Number, new IncidentAction.Close()) { ExpectedVersion = reopened.Version });
        _h.Time.Advance(TimeSpan.FromMinutes(5));
        await ReconcileAsync(false, Outage(started, null));
        await ReconcileAsync(false, Outage(started, null));

        var all = await AllAsync();
        Assert.Equal(2, all.Count);
        var fresh = all.Single(i => i.Number != reopened.Number);
        Assert.Equal(IncidentStatus.Triage, fresh.Status);
        Assert.Equal(IncidentSource.Detected, fresh.Source);
        Assert.Equal(IncidentStatus.Closed, all.Single(i => i.Number == reopened.Number).Status);
    }

    [Fact]
    public async Task A_partial_pass_leaves_incidents_outside_its_range_alone()
    {
        var old = Outage(Now.AddDays(-9), Now.AddDays(-9).AddMinutes(47));
        await ReconcileAsync(true, old);
        var entries = (await _h.EntriesAsync()).Count;

        // A detector bug or a stale list must not rewrite history from a pass over the last two hours.
        await ReconcileAsync(false, old with { ClearedAt = old.ClearedAt!.Value.AddMinutes(30) }, Outage(Now.AddDays(-5), Now.AddDays(-5).AddMinutes(10), key: "google"));

        Assert.Equal(entries, (await _h.EntriesAsync()).Count);
        Assert.Equal(old.ClearedAt, Assert.Single(await AllAsync()).EndedAt);
    }

    [Fact]
    public async Task A_live_episode_attaches_to_a_declared_incident_of_the_same_class_and_key()
    {
        var declared = await _h.OkAsync(new DeclareIncidentCommand(IncidentClass.ProviderOutage, "Anthropic looks down", Severity.Sev1, "anthropic"));
        await ReconcileAsync(false, Outage(Now.AddMinutes(-3), null));

        var incident = Assert.Single(await AllAsync());
        Assert.Equal(declared.Number, incident.Number);
        Assert.Equal(IncidentSource.Manual, incident.Source);
        Assert.Equal(Severity.Sev1, incident.Severity);
        Assert.True(incident.Signal!.Active);
    }

    [Fact]
    public async Task A_new_episode_after_the_reopen_window_is_a_new_incident()
    {
        var first = Outage(Now.AddHours(-5), Now.AddHours(-4));
        await ReconcileAsync(true, first, Outage(Now.AddHours(-3), null));
        Assert.Equal(2, (await AllAsync()).Count);
    }

    [Fact]
    public async Task The_timeline_merges_the_class_slos_alert_transitions_during_the_incident_only()
    {
        var started = Now.AddMinutes(-30);
        _h.Metrics.Alerts["provider_success"] =
        [
            new AlertTransition(Now.AddMinutes(-5), "provider_success", AlertState.Page, AlertState.Ticket, "burn 6x over 1h"),
            new AlertTransition(Now.AddMinutes(-20), "provider_success", AlertState.Ok, AlertState.Page, "burn 16x over 1h"),
            new AlertTransition(Now.AddDays(-3), "provider_success", AlertState.Ok, AlertState.Ticket, "before the incident"),
        ];
        _h.Metrics.Alerts["preview_startup"] = [new AlertTransition(Now.AddMinutes(-10), "preview_startup", AlertState.Ok, AlertState.Page, "another class's SLO")];
        await ReconcileAsync(false, Outage(started, null));

        var timeline = (await _h.DetailAsync(1)).Timeline;
        Assert.Equal([TimelineKind.SloAlert, TimelineKind.SloAlert, TimelineKind.Detected], timeline.Select(e => e.Kind));
        Assert.Equal("provider_success: ok → page (burn 16x over 1h)", timeline[0].Text);
        Assert.Equal(Now.AddMinutes(-5), timeline[1].At);
    }
}

using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary>
/// The stored signal follows what the data shows, and only its state: a vanished signal is cleared on a full pass,
/// and a live value moving every tick writes nothing (no version churn, no audit entry a second).
/// </summary>
public sealed class IncidentReconcilerSignalTests : IAsyncLifetime
{
    private readonly IncidentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private DateTimeOffset Now => _h.Time.GetUtcNow();

    private static DetectedEpisode Outage(DateTimeOffset started, DateTimeOffset? cleared, string key = "anthropic", double ratio = 0.41) => new(
        IncidentClass.ProviderOutage, key, "provider_error_ratio", started, cleared, Severity.Sev2, $"{key} llm_call errors {ratio:P0}",
        new SignalEvidence($"{key} error ratio {ratio:0.00} ≥ 0.25 over 5 min", [new EvidenceValue("error_ratio", ratio, "≥", 0.25)], [], [], 0.3));

    private static DetectedEpisode Page(DateTimeOffset started, double burn) => new(
        IncidentClass.Unclassified, "availability", IncidentDetector.UnclassifiedRule, started, null, Severity.Sev1, "Availability: SLO paging with no class signal",
        new SignalEvidence("The Availability SLO went to page", [new EvidenceValue("burn rate 1h", burn, "≥", 14.4)], [], [], Math.Round(burn * 0.001, 4)));

    private Task ReconcileAsync(bool full, params DetectedEpisode[] episodes) =>
        _h.Sink.ReconcileAsync(new DetectionResult(full ? Now.AddDays(-30) : Now.AddHours(-2), Now, episodes, full), CancellationToken.None);

    private async Task<IncidentSummary> OnlyAsync() => Assert.Single(await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None));

    [Fact]
    public async Task An_unclassified_page_whose_burn_rate_moves_every_tick_keeps_its_version_and_writes_no_audit_entry()
    {
        var started = Now.AddMinutes(-3);
        await ReconcileAsync(false, Page(started, 20.1));
        var opened = await OnlyAsync();
        var entries = (await _h.EntriesAsync()).Count;

        for (var tick = 0; tick < 30; tick++)
        {
            _h.Time.Advance(TimeSpan.FromSeconds(1));
            await ReconcileAsync(false, Page(started, 20.1 + (tick * 0.37)));
        }

        var after = await OnlyAsync();
        Assert.Equal(opened.Version, after.Version);
        Assert.Equal(entries, (await _h.EntriesAsync()).Count);

        // An operator's version read before those ticks is still good.
        await _h.OkAsync(new IncidentActionCommand(after.Number, new IncidentAction.Acknowledge("olivia@example.com")) { ExpectedVersion = opened.Version });
    }

    [Fact]
    public async Task A_state_change_still_records_the_signal_and_refreshes_its_evidence()
    {
        var started = Now.AddMinutes(-10);
        await ReconcileAsync(false, Outage(started, null, ratio: 0.41));
        await ReconcileAsync(false, Outage(started, null, ratio: 0.62));
        Assert.Equal(1, (await OnlyAsync()).Version);

        var cleared = Now.AddMinutes(-1);
        await ReconcileAsync(false, Outage(started, cleared, ratio: 0.83));

        var incident = await OnlyAsync();
        Assert.Equal(2, incident.Version);
        Assert.False(incident.Signal!.Active);
        Assert.Equal(cleared, incident.Signal.ClearedAt);
        Assert.Equal(0.83, incident.Signal.Evidence.Values[0].Value);
        Assert.Equal(["incident.detect", "incident.signal"], (await _h.EntriesAsync()).Select(e => e.Action).Order().ToList());
    }

    [Fact]
    public async Task A_full_pass_that_no_longer_shows_an_open_incidents_signal_clears_it_as_no_longer_in_the_data()
    {
        // The demo's ongoing outage, then a real import replaces the data: its provider has no episode any more.
        await ReconcileAsync(true, Outage(Now.AddMinutes(-20), null, key: "demo-provider"));
        var live = await OnlyAsync();
        Assert.True(live.Signal!.Active);
        _h.Time.Advance(TimeSpan.FromMinutes(5));

        await ReconcileAsync(true);

        var incident = await OnlyAsync();
        Assert.False(incident.Signal!.Active);
        Assert.Equal(Now, incident.Signal.ClearedAt);
        Assert.Equal(IncidentStatus.Triage, incident.Status); // a cleared signal never closes an incident by itself
        Assert.Equal(live.Version + 1, incident.Version);
        var line = (await _h.DetailAsync(incident.Number)).Timeline.Last();
        Assert.Equal(TimelineKind.Signal, line.Kind);
        Assert.Contains("no longer in the data", line.Text);
        var entry = (await _h.EntriesAsync()).Last();
        Assert.Equal("incident.signal", entry.Action);
        Assert.Equal(ActorKind.System, entry.ActorKind);
        Assert.Contains("no longer in the data", entry.Reason);

        // The same pass again changes nothing.
        await ReconcileAsync(true);
        Assert.Equal(incident.Version, (await OnlyAsync()).Version);
    }

    [Fact]
    public async Task A_full_pass_whose_only_episode_of_the_key_is_days_earlier_still_clears_the_live_signal()
    {
        await ReconcileAsync(false, Outage(Now.AddMinutes(-20), null));
        var live = await OnlyAsync();

        var old = Now.AddDays(-4);
        await ReconcileAsync(true, Outage(old, old.AddMinutes(50)));

        var all = await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None);
        var cleared = Assert.Single(all, i => i.Number == live.Number);
        Assert.False(cleared.Signal!.Active);
        var history = Assert.Single(all, i => i.Number != live.Number);
        Assert.Equal((IncidentSource.Historical, old), (history.Source, history.StartedAt));
    }

    [Fact]
    public async Task A_partial_pass_without_the_episode_leaves_the_signal_active()
    {
        await ReconcileAsync(false, Outage(Now.AddMinutes(-20), null));
        await ReconcileAsync(false);
        Assert.True((await OnlyAsync()).Signal!.Active);
    }

    [Fact]
    public async Task A_full_pass_leaves_historical_and_closed_incidents_alone()
    {
        var started = Now.AddDays(-9);
        await ReconcileAsync(true, Outage(started, started.AddMinutes(40), key: "openai"));
        await ReconcileAsync(false, Outage(Now.AddMinutes(-20), null, key: "anthropic"));
        var live = (await _h.Board.ListAsync(new IncidentQuery(), CancellationToken.None)).Single();
        live = await _h.OkAsync(new IncidentActionCommand(live.Number, new IncidentAction.Decline("test traffic")) { ExpectedVersion = live.Version });
        var before = await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None);

        await ReconcileAsync(true);

        var after = await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None);
        Assert.Equal(before.Select(i => (i.Number, i.Version)), after.Select(i => (i.Number, i.Version)));
    }
}

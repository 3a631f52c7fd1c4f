using System.Text;
using System.Text.Json;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Notifications;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary>The incident commands through the real pipeline on a store: what each step keeps, audits and announces.</summary>
public sealed class IncidentCommandTests : IAsyncLifetime
{
    private readonly IncidentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<IncidentSummary> StepAsync(IncidentSummary incident, IncidentAction step) =>
        _h.OkAsync(new IncidentActionCommand(incident.Number, step) { ExpectedVersion = incident.Version });

    [Fact]
    public async Task A_declared_incident_walks_acknowledge_update_resolve_close_with_each_step_stored_audited_and_announced()
    {
        var declared = await _h.DeclareAsync(Severity.Sev3);
        Assert.Equal(IncidentSource.Manual, declared.Source);
        Assert.Equal(IncidentStatus.Triage, declared.Status);
        Assert.Equal("platform-oncall", declared.Owner);
        Assert.Equal("inc-1", declared.Id);

        _h.Time.Advance(TimeSpan.FromMinutes(4));
        var acked = await StepAsync(declared, new IncidentAction.Acknowledge("olivia@example.com"));
        Assert.Equal(IncidentStatus.Investigating, acked.Status);
        Assert.Equal(_h.Time.GetUtcNow(), acked.AcknowledgedAt);

        var eta = _h.Time.GetUtcNow().AddHours(1);
        var updated = await StepAsync(acked, new IncidentAction.Update("Rolled back the edge config", IncidentStatus.Monitoring, eta, _h.Time.GetUtcNow().AddMinutes(20)));
        Assert.Equal(IncidentStatus.Monitoring, updated.Status);
        Assert.Equal(eta, updated.Eta);
        var severe = await StepAsync(updated, new IncidentAction.ChangeSeverity(Severity.Sev4));
        var resolved = await StepAsync(severe, new IncidentAction.Resolve("Latency back to normal"));
        var closed = await StepAsync(resolved, new IncidentAction.Close());
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        Assert.Equal(6, closed.Version);

        var detail = await _h.DetailAsync(declared.Number);
        Assert.Equal(closed, detail.Incident);
        Assert.Equal(["Rolled back the edge config", "Latency back to normal"], detail.Updates.Select(u => u.Message));
        Assert.Equal(IncidentStatus.Monitoring, detail.Updates[0].Status);
        Assert.Equal(eta, detail.Updates[0].Eta);
        Assert.Equal(6, detail.Timeline.Count);
        Assert.All(detail.Timeline.Skip(1), e => Assert.Equal("olivia@example.com", e.Actor));
        Assert.Equal(detail.Checklist[0].Text, detail.FirstAction);

        var entries = await _h.EntriesAsync();
        Assert.Equal(
            ["incident.declare", "incident.acknowledge", "incident.update", "incident.severity", "incident.resolve", "incident.close"],
            entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(CommandOutcome.Ok, e.Outcome));
        Assert.All(entries, e => Assert.Equal("inc-1", e.TargetId));
        Assert.Equal(
            [IncidentEvents.Created, IncidentEvents.Assigned, IncidentEvents.Updated, IncidentEvents.SeverityChanged, IncidentEvents.Resolved, IncidentEvents.Closed],
            await _h.EventsAsync());
    }

    [Fact]
    public async Task A_sev1_does_not_close_without_a_published_postmortem_and_closes_after_one()
    {
        var incident = await _h.DeclareAsync(Severity.Sev1);
        incident = await StepAsync(incident, new IncidentAction.Acknowledge("olivia@example.com"));
        incident = await StepAsync(incident, new IncidentAction.Resolve());

        var refused = await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Close()) { ExpectedVersion = incident.Version });
        Assert.Equal(CommandOutcome.Invalid, refused.Outcome);
        Assert.Contains("published postmortem", refused.Error);

        var drafted = await _h.OkAsync(new SavePostmortemCommand(incident.Number, "Edge config pushed bad TLS", "12% of pro traffic", "No canary for edge config", null, PostmortemStatus.Draft) { ExpectedVersion = incident.Version });
        var draft = (await _h.DetailAsync(incident.Number)).Postmortem!;
        Assert.Contains("declared by olivia@example.com", draft.Timeline);
        Assert.Contains("acknowledged by olivia@example.com", draft.Timeline);
        Assert.Equal(CommandOutcome.Invalid, (await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Close()) { ExpectedVersion = drafted.Version })).Outcome);

        var review = await _h.OkAsync(new SavePostmortemCommand(incident.Number, "Edge config pushed bad TLS", "12% of pro traffic", "No canary for edge config", draft.Timeline, PostmortemStatus.InReview) { ExpectedVersion = drafted.Version });
        var published = await _h.OkAsync(new SavePostmortemCommand(incident.Number, "Edge config pushed bad TLS", "12% of pro traffic", "No canary for edge config", draft.Timeline, PostmortemStatus.Published) { ExpectedVersion = review.Version });
        var back = await _h.SendAsync(new SavePostmortemCommand(incident.Number, "x", "y", "z", null, PostmortemStatus.Draft) { ExpectedVersion = published.Version });
        Assert.Equal(CommandOutcome.Invalid, back.Outcome);
        Assert.Contains("published", back.Error);

        var closed = await StepAsync(published, new IncidentAction.Close());
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        var detail = await _h.DetailAsync(incident.Number);
        Assert.Equal(PostmortemStatus.Published, detail.Postmortem!.Status);
        Assert.Equal(_h.Time.GetUtcNow(), detail.Postmortem.PublishedAt);
        Assert.Contains(IncidentEvents.PostmortemPublished, await _h.EventsAsync());
    }

    [Fact]
    public async Task Checking_a_checklist_item_keeps_who_and_when_and_is_audited()
    {
        var incident = await _h.DeclareAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        var checkedOne = await _h.OkAsync(new CheckChecklistItemCommand(incident.Number, 0, true) { ExpectedVersion = incident.Version });
        Assert.Equal(incident.Version + 1, checkedOne.Version);

        var item = (await _h.DetailAsync(incident.Number)).Checklist[0];
        Assert.True(item.Done);
        Assert.Equal("olivia@example.com", item.DoneBy);
        Assert.Equal(_h.Time.GetUtcNow(), item.DoneAt);
        var entry = (await _h.EntriesAsync()).Last();
        Assert.Equal("incident.checklist", entry.Action);
        Assert.Contains("\"done\":true", entry.AfterJson);
        Assert.Contains("\"done\":false", entry.BeforeJson);

        var outOfRange = await _h.SendAsync(new CheckChecklistItemCommand(incident.Number, 99, true) { ExpectedVersion = checkedOne.Version });
        Assert.Equal(CommandOutcome.Invalid, outOfRange.Outcome);
    }

    [Fact]
    public async Task A_stale_version_is_a_conflict_naming_the_current_one_and_an_unknown_number_is_not_found()
    {
        var incident = await _h.DeclareAsync();
        await StepAsync(incident, new IncidentAction.Assign("bob"));

        var stale = await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Assign("carol")) { ExpectedVersion = incident.Version });
        Assert.Equal(CommandOutcome.Conflict, stale.Outcome);
        Assert.Equal(incident.Version + 1, stale.CurrentVersion);

        var missing = await _h.SendAsync(new IncidentActionCommand(42, new IncidentAction.Assign("carol")) { ExpectedVersion = 1 });
        Assert.Equal(CommandOutcome.Invalid, missing.Outcome);
        Assert.True(missing.NotFound);
        Assert.Equal("bob", (await _h.DetailAsync(incident.Number)).Incident.Owner);
    }

    [Fact]
    public async Task Concurrent_actions_on_one_incident_with_the_same_version_exactly_one_wins()
    {
        var incident = await _h.DeclareAsync();
        var owners = Enumerable.Range(0, 8).Select(i => $"engineer-{i}").ToList();
        var results = await Task.WhenAll(owners.Select(owner =>
            Task.Run(() => _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Assign(owner)) { ExpectedVersion = incident.Version }))));

        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(7, results.Count(r => r.Outcome == CommandOutcome.Conflict));
        var winner = results.Single(r => r.Succeeded).Value!;
        var stored = (await _h.DetailAsync(incident.Number)).Incident;
        Assert.Equal(winner.Owner, stored.Owner);
        Assert.Equal(incident.Version + 1, stored.Version);
        Assert.Single(await _h.EventsAsync(), e => e == IncidentEvents.Assigned);
    }

    [Fact]
    public async Task Html_and_markdown_in_a_message_are_stored_and_returned_verbatim()
    {
        const string message = "<script>alert('x')</script> **bold** [link](javascript:alert(1)) & <b>tag</b>";
        var incident = await _h.DeclareAsync();
        await StepAsync(incident, new IncidentAction.Update(message));

        var detail = await _h.DetailAsync(incident.Number);
        Assert.Equal(message, detail.Updates.Single().Message);
        Assert.Contains(detail.Timeline, e => e.Text == message);
    }

    [Fact]
    public async Task Oversize_text_and_an_overlong_title_are_refused_with_the_field_named()
    {
        var incident = await _h.DeclareAsync();
        var big = await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Update(new string('x', IncidentLifecycle.MaxTextLength + 1))) { ExpectedVersion = incident.Version });
        Assert.Equal(CommandOutcome.Invalid, big.Outcome);
        Assert.StartsWith("message:", big.Error);

        var title = await _h.SendAsync(new DeclareIncidentCommand(IncidentClass.Unclassified, new string('t', 201), Severity.Sev3));
        Assert.Equal(CommandOutcome.Invalid, title.Outcome);
        Assert.StartsWith("title:", title.Error);
    }

    [Fact]
    public async Task Follow_ups_are_added_listed_and_closed()
    {
        var incident = await _h.DeclareAsync();
        var added = await _h.OkAsync(new AddFollowUpCommand(incident.Number, "Contract test for 0042", "data-team", new DateOnly(2026, 12, 15), FollowUpKind.AutomatedTest) { ExpectedVersion = incident.Version });
        var followUp = Assert.Single(await _h.Board.FollowUpsAsync(openOnly: true, CancellationToken.None));
        Assert.Equal("Contract test for 0042", followUp.Title);
        Assert.Equal(new DateOnly(2026, 12, 15), followUp.Due);

        await _h.OkAsync(new CloseFollowUpCommand(incident.Number, followUp.Id) { ExpectedVersion = added.Version });
        Assert.Empty(await _h.Board.FollowUpsAsync(openOnly: true, CancellationToken.None));
        Assert.True(Assert.Single(await _h.Board.FollowUpsAsync(openOnly: false, CancellationToken.None)).Done);
        var wrong = await _h.SendAsync(new CloseFollowUpCommand(incident.Number, 99));
        Assert.True(wrong.NotFound);
    }

    [Fact]
    public async Task A_viewer_cannot_act_and_the_refusal_is_audited()
    {
        var incident = await _h.DeclareAsync();
        var denied = await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Assign("me")) { ExpectedVersion = incident.Version }, IncidentHarness.Viewer);
        Assert.Equal(CommandOutcome.Denied, denied.Outcome);
        Assert.Equal(CommandOutcome.Denied, (await _h.EntriesAsync()).Last().Outcome);
    }

    [Fact]
    public async Task The_board_signals_after_an_incident_change_commits_and_lists_with_filters()
    {
        var signals = 0;
        using var subscription = _h.Board.Subscribe(() =>
        {
            Interlocked.Increment(ref signals);
            return Task.CompletedTask;
        });
        var first = await _h.DeclareAsync(Severity.Sev2, "first");
        _h.Time.Advance(TimeSpan.FromHours(2));
        var second = await _h.DeclareAsync(Severity.Sev4, "second");
        Assert.Equal(2, signals);
        await StepAsync(second, new IncidentAction.Decline("not an incident"));

        Assert.Equal(["first"], (await _h.Board.ListAsync(new IncidentQuery(), CancellationToken.None)).Select(i => i.Title));
        Assert.Equal(["second"], (await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.Closed), CancellationToken.None)).Select(i => i.Title));
        Assert.Equal(["second", "first"], (await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None)).Select(i => i.Title));
        Assert.Equal(["first"], (await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All, Severity: Severity.Sev2), CancellationToken.None)).Select(i => i.Title));
        Assert.Equal(["first"], (await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All, To: first.StartedAt.AddMinutes(30)), CancellationToken.None)).Select(i => i.Title));
        Assert.Empty(await _h.Board.ListAsync(new IncidentQuery(IncidentListStatus.All, Class: IncidentClass.ProviderOutage), CancellationToken.None));
        Assert.Equal(3, signals);
    }

    [Fact]
    public async Task A_status_update_is_announced_with_the_incident_and_its_message_and_reads_well_in_slack()
    {
        var incident = await _h.DeclareAsync(Severity.Sev2, "OpenAI 5xx", key: "openai");
        incident = await StepAsync(incident, new IncidentAction.Acknowledge("olivia"));
        var eta = new DateTimeOffset(2026, 12, 1, 4, 30, 0, TimeSpan.Zero);
        await StepAsync(incident, new IncidentAction.Update("Failing over to the backup route", IncidentStatus.Identified, eta));

        var payload = await _h.ScalarAsync<string>("SELECT payload_json FROM _vd_outbox WHERE event = 'incident.updated'");
        using var json = JsonDocument.Parse(payload);
        Assert.Equal("Failing over to the backup route", json.RootElement.GetProperty("message").GetString());
        var data = json.RootElement.GetProperty("incident");
        Assert.Equal("inc-1", data.GetProperty("id").GetString());
        Assert.Equal("identified", data.GetProperty("status").GetString());
        Assert.Equal("SEV2", data.GetProperty("severity").GetString());
        Assert.Equal(3, data.GetProperty("version").GetInt64());

        var summary = await _h.ScalarAsync<string>("SELECT summary FROM _vd_outbox WHERE event = 'incident.updated'");
        var slack = Encoding.UTF8.GetString(WebhookBody.Build(WebhookFormat.Slack, Guid.NewGuid().ToString(), IncidentEvents.Updated, "incident:1", _h.Time.GetUtcNow(), payload, summary));
        var text = JsonDocument.Parse(slack).RootElement.GetProperty("text").GetString();
        Assert.Equal("[incident.updated] incident:1: SEV2 unclassified #1 \"OpenAI 5xx\" — identified · owner olivia · ETA 2026-12-01 04:30 UTC · next update 2026-12-01 03:30 UTC — Failing over to the backup route", text);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_same_update_once_and_refuses_another_message()
    {
        var incident = await _h.DeclareAsync();
        var first = await _h.OkAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Update("first")) { ExpectedVersion = incident.Version, IdempotencyKey = "k-1" });
        var replay = await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Update("first")) { ExpectedVersion = incident.Version, IdempotencyKey = "k-1" });
        Assert.True(replay.Replayed);
        Assert.Equal(first.Version, replay.Value!.Version);

        var other = await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.Update("second")) { ExpectedVersion = incident.Version, IdempotencyKey = "k-1" });
        Assert.Equal(CommandOutcome.Invalid, other.Outcome);
        Assert.Single((await _h.DetailAsync(incident.Number)).Updates);
    }
}

using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>Issue 11: rollback and pause appear on the timelines of the incidents open at the time, merged when the incident is read.</summary>
public sealed class RolloutIncidentTimelineTests : IAsyncLifetime
{
    private readonly RolloutHarness _h = new();

    private IIncidentBoard Incidents => _h.Services.GetRequiredService<IIncidentBoard>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task An_automatic_rollback_and_a_pause_by_hand_show_on_the_open_incident_and_not_on_one_closed_before()
    {
        var closed = await DeclareAsync("Sandbox crashes, over");
        closed = await StepAsync(closed, new IncidentAction.Resolve("crashes stopped"));
        closed = await StepAsync(closed, new IncidentAction.Close());
        _h.Time.Advance(TimeSpan.FromMinutes(5));
        var open = await DeclareAsync("Completion failures on pro");

        var rollout = await _h.StartedAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        rollout = (await _h.RoundAsync(rollout, GateResult.Fail, 0.80)).Value!;
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        rollout = (await _h.RoundAsync(rollout, GateResult.Fail, 0.78)).Value!;
        Assert.Equal(RolloutState.RolledBack, rollout.Status.State);
        var rolledBackAt = _h.Time.GetUtcNow();

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await _h.StartedAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await _h.OkAsync(new RolloutControlCommand(second.Id, new RolloutInput.Pause("looking at the incident first")) { ExpectedVersion = second.Version });

        var detail = (await Incidents.GetAsync(open.Number, CancellationToken.None))!;
        var lines = detail.Timeline.Where(e => e.Kind == TimelineKind.Rollout).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(rolledBackAt, lines[0].At);
        Assert.Equal("system", lines[0].Actor);
        Assert.StartsWith("ro-1 (2026.12.1): wave 1 (internal) rolled back automatically: gate \"completion\" failed 2 consecutive checks", lines[0].Text);
        Assert.Contains("\"event\":\"rollout.rolled_back\"", lines[0].Data);
        Assert.Contains("\"automatic\":true", lines[0].Data);
        Assert.Equal((RolloutHarness.Operator.Name, "ro-2 (2026.12.1): paused: looking at the incident first"), (lines[1].Actor, lines[1].Text));
        // Starts, failed gates and exposures are the rollout page's business, not the incident's.
        Assert.DoesNotContain(lines, l => l.Text.Contains("started", StringComparison.Ordinal) || l.Text.Contains("failed: ", StringComparison.Ordinal));
        // Oldest first, interleaved with the incident's own lines.
        Assert.Equal(detail.Timeline.OrderBy(e => e.At).Select(e => e.At), detail.Timeline.Select(e => e.At));

        // Merged when read, never written: the incident's version did not move, so an operator's next action is not a 409.
        Assert.Equal(open.Version, detail.Incident.Version);
        var acknowledged = await StepAsync(open, new IncidentAction.Acknowledge("olivia"));
        Assert.Equal(open.Version + 1, acknowledged.Version);

        var before = (await Incidents.GetAsync(closed.Number, CancellationToken.None))!;
        Assert.DoesNotContain(before.Timeline, e => e.Kind == TimelineKind.Rollout);
    }

    [Fact]
    public async Task A_rollback_by_hand_shows_on_a_resolved_incident_awaiting_close_and_the_lines_of_a_window_are_read_by_time()
    {
        var incident = await DeclareAsync("Latency on pro");
        var rollout = await _h.StartedAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        incident = await StepAsync(incident, new IncidentAction.Resolve("latency back to normal"));
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await _h.OkAsync(new RolloutControlCommand(rollout.Id, new RolloutInput.Rollback("p95 still high on pro")) { ExpectedVersion = rollout.Version });

        var detail = (await Incidents.GetAsync(incident.Number, CancellationToken.None))!;
        var line = Assert.Single(detail.Timeline, e => e.Kind == TimelineKind.Rollout);
        Assert.Equal("ro-1 (2026.12.1): wave 1 (internal) rolled back: p95 still high on pro", line.Text);
        Assert.Contains("\"automatic\":false", line.Data);

        var source = Assert.Single(_h.Services.GetServices<IIncidentTimelineSource>());
        var now = _h.Time.GetUtcNow();
        Assert.Single(await source.DuringAsync(now, now, CancellationToken.None));
        Assert.Empty(await source.DuringAsync(now.AddMilliseconds(1), now.AddHours(1), CancellationToken.None));
        Assert.Empty(await source.DuringAsync(now, now.AddMinutes(-1), CancellationToken.None));
    }

    [Fact]
    public async Task The_incident_board_signals_its_pages_when_a_rollback_line_is_added_and_not_on_a_rollout_change_that_adds_none()
    {
        await DeclareAsync("Completion failures on pro");
        var rollout = await _h.StartedAsync();
        var signals = 0;
        using var subscription = Incidents.Subscribe(() =>
        {
            Interlocked.Increment(ref signals);
            return Task.CompletedTask;
        });

        // The first commit seen sets the baseline; the pipeline awaits its subscribers, so counts are exact after each send.
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        rollout = (await _h.RoundAsync(rollout, GateResult.Fail, 0.80)).Value!;
        var baseline = signals;
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        rollout = (await _h.RoundAsync(rollout, GateResult.Fail, 0.78)).Value!;
        Assert.Equal(RolloutState.RolledBack, rollout.Status.State);
        Assert.Equal(baseline + 1, signals);

        await _h.OkAsync(new RolloutControlCommand(rollout.Id, new RolloutInput.Retry()) { ExpectedVersion = rollout.Version });
        Assert.Equal(baseline + 1, signals);
    }

    private async Task<IncidentSummary> DeclareAsync(string title)
    {
        var result = await _h.Pipeline.SendAsync(new DeclareIncidentCommand(IncidentClass.ProviderOutage, title, Severity.Sev3, "openai"), RolloutHarness.Operator);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    private async Task<IncidentSummary> StepAsync(IncidentSummary incident, IncidentAction step)
    {
        var result = await _h.Pipeline.SendAsync(new IncidentActionCommand(incident.Number, step) { ExpectedVersion = incident.Version }, RolloutHarness.Operator);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }
}

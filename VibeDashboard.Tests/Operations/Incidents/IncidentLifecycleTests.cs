using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary>The incident lifecycle walked with a fake clock: what each step records, and what it forbids.</summary>
public sealed class IncidentLifecycleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

    private IncidentState Detected(Severity severity = Severity.Sev2) => new()
    {
        Number = 7,
        Class = IncidentClass.ProviderOutage,
        Key = "anthropic",
        Title = "anthropic llm_call errors 41 %",
        Severity = severity,
        Status = IncidentStatus.Triage,
        Source = IncidentSource.Detected,
        StartedAt = _time.GetUtcNow().AddMinutes(-6),
        DetectedAt = _time.GetUtcNow(),
    };

    private IncidentState Step(IncidentState state, IncidentAction action)
    {
        var transition = IncidentLifecycle.Apply(state, action, _time.GetUtcNow());
        Assert.True(transition.Allowed, transition.Refusal);
        return transition.State!;
    }

    private string Refusal(IncidentState state, IncidentAction action)
    {
        var transition = IncidentLifecycle.Apply(state, action, _time.GetUtcNow());
        Assert.False(transition.Allowed);
        return transition.Refusal!;
    }

    [Fact]
    public void Acknowledge_update_resolve_postmortem_close_keeps_every_time_and_bumps_the_version_each_step()
    {
        var start = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(4));
        var acknowledged = Step(Detected(), new IncidentAction.Acknowledge("dana"));
        Assert.Equal(IncidentStatus.Investigating, acknowledged.Status);
        Assert.Equal(start.AddMinutes(4), acknowledged.AcknowledgedAt);
        Assert.Equal(start.AddMinutes(34), acknowledged.NextUpdateAt); // the default 30 min
        Assert.Equal(2, acknowledged.Version);

        _time.Advance(TimeSpan.FromMinutes(10));
        var eta = start.AddHours(1);
        var updated = Step(acknowledged, new IncidentAction.Update("failed over to the backup route", IncidentStatus.Monitoring, eta, start.AddMinutes(44)));
        Assert.Equal(IncidentStatus.Monitoring, updated.Status);
        Assert.Equal(eta, updated.Eta);
        Assert.Equal(start.AddMinutes(14), updated.MitigatedAt);

        _time.Advance(TimeSpan.FromMinutes(20));
        var resolved = Step(updated, new IncidentAction.Resolve("errors back under 1 %"));
        Assert.Equal(start.AddMinutes(34), resolved.ResolvedAt);
        Assert.Null(resolved.NextUpdateAt);

        Assert.Contains("SEV2 need a published postmortem", Refusal(resolved, new IncidentAction.Close()));
        var closed = Step(Step(resolved, new IncidentAction.PublishPostmortem()), new IncidentAction.Close());
        Assert.Equal(IncidentStatus.Closed, closed.Status);
        Assert.Equal(start.AddMinutes(34), closed.EndedAt);
        Assert.Equal(6, closed.Version);
    }

    [Fact]
    public void A_sev3_closes_without_a_postmortem()
    {
        var resolved = Step(Step(Detected(Severity.Sev3), new IncidentAction.Acknowledge("dana")), new IncidentAction.Resolve());

        Assert.Equal(IncidentStatus.Closed, Step(resolved, new IncidentAction.Close()).Status);
    }

    [Fact]
    public void An_overdue_next_update_is_flagged_only_while_the_incident_is_active()
    {
        var acknowledged = Step(Detected(), new IncidentAction.Acknowledge("dana", _time.GetUtcNow().AddMinutes(15)));

        Assert.False(acknowledged.IsUpdateOverdue(_time.GetUtcNow().AddMinutes(14)));
        Assert.True(acknowledged.IsUpdateOverdue(_time.GetUtcNow().AddMinutes(16)));
        Assert.False(Step(acknowledged, new IncidentAction.Resolve()).IsUpdateOverdue(_time.GetUtcNow().AddHours(5)));
    }

    [Fact]
    public void Forbidden_transitions_are_refused_with_the_rule()
    {
        var detected = Detected();
        var acknowledged = Step(detected, new IncidentAction.Acknowledge("dana"));

        Assert.Contains("acknowledged already", Refusal(acknowledged, new IncidentAction.Acknowledge("eve")));
        Assert.Contains("resolve it before closing", Refusal(acknowledged, new IncidentAction.Close()));
        Assert.Contains("only a resolved incident can be reopened", Refusal(acknowledged, new IncidentAction.Reopen("back")));
        Assert.Contains("resolved is its own action", Refusal(acknowledged, new IncidentAction.Update("done", IncidentStatus.Resolved)));
        Assert.Equal("message: required", Refusal(acknowledged, new IncidentAction.Update(" ")));
        Assert.Equal("nextUpdateAt: must be in the future", Refusal(acknowledged, new IncidentAction.Update("x", NextUpdateAt: _time.GetUtcNow())));
        Assert.Contains("at most", Refusal(acknowledged, new IncidentAction.Update(new string('x', IncidentLifecycle.MaxTextLength + 1))));
        Assert.Contains("duplicate of itself", Refusal(acknowledged, new IncidentAction.MarkDuplicate(7)));
        var declined = Step(detected, new IncidentAction.Decline("a test provider"));
        Assert.Contains("nothing more can be done", Refusal(declined, new IncidentAction.Acknowledge("dana")));
    }

    [Fact]
    public void A_resolved_incident_reopens_to_investigating_and_keeps_its_acknowledgement()
    {
        var resolved = Step(Step(Detected(), new IncidentAction.Acknowledge("dana")), new IncidentAction.Resolve());
        _time.Advance(TimeSpan.FromMinutes(5));

        var reopened = Step(resolved, new IncidentAction.Reopen("errors are back"));

        Assert.Equal(IncidentStatus.Investigating, reopened.Status);
        Assert.Null(reopened.ResolvedAt);
        Assert.Equal(resolved.AcknowledgedAt, reopened.AcknowledgedAt); // MTTA counts the first acknowledgement
    }

    [Fact]
    public void The_vocabulary_has_the_wire_names_of_the_api()
    {
        Assert.Equal("\"auth_policy_failure\"", JsonSerializer.Serialize(IncidentClass.AuthPolicyFailure));
        Assert.Equal("\"SEV1\"", JsonSerializer.Serialize(Severity.Sev1));
        Assert.Equal("\"monitoring\"", JsonSerializer.Serialize(IncidentStatus.Monitoring));
        Assert.Equal("\"historical\"", JsonSerializer.Serialize(IncidentSource.Historical));
        Assert.Equal(IncidentClass.SandboxInstability, JsonSerializer.Deserialize<IncidentClass>("\"sandbox_instability\""));
    }

    [Fact]
    public void A_resolved_sev1_can_be_neither_declined_nor_lowered_to_skip_its_postmortem()
    {
        var resolved = Step(Step(Detected(Severity.Sev1), new IncidentAction.Acknowledge("dana")), new IncidentAction.Resolve());

        Assert.Contains("only an incident still being worked on can be declined", Refusal(resolved, new IncidentAction.Decline("not real")));
        Assert.Contains("keeps that severity", Refusal(resolved, new IncidentAction.ChangeSeverity(Severity.Sev4)));
        Assert.Contains("published postmortem", Refusal(resolved, new IncidentAction.Close()));
        // Raising it, or lowering it while still being worked on, is fine.
        Assert.Equal(Severity.Sev3, Step(Detected(Severity.Sev1), new IncidentAction.ChangeSeverity(Severity.Sev3)).Severity);
        Assert.Equal("severity: incident 7 is SEV1 already", Refusal(resolved, new IncidentAction.ChangeSeverity(Severity.Sev1)));
    }

    [Fact]
    public void An_eta_in_the_past_and_a_next_update_months_away_are_refused()
    {
        var now = _time.GetUtcNow();
        var acknowledged = Step(Detected(), new IncidentAction.Acknowledge("dana"));

        Assert.Equal("eta: must be in the future", Refusal(acknowledged, new IncidentAction.Update("x", Eta: now.AddMinutes(-1))));
        Assert.Equal("nextUpdateAt: at most 7 days ahead", Refusal(acknowledged, new IncidentAction.Update("x", NextUpdateAt: now.AddDays(30))));
        Assert.Equal("nextUpdateAt: at most 7 days ahead", Refusal(Detected(), new IncidentAction.Acknowledge("dana", now.AddYears(7000))));
        Assert.Equal(now.AddDays(7), Step(acknowledged, new IncidentAction.Update("x", NextUpdateAt: now.AddDays(7))).NextUpdateAt);
    }

    [Fact]
    public void Resolving_an_unacknowledged_incident_acknowledges_it_then()
    {
        _time.Advance(TimeSpan.FromMinutes(12));

        var resolved = Step(Detected(), new IncidentAction.Resolve());

        Assert.Equal(_time.GetUtcNow(), resolved.AcknowledgedAt);
        Assert.Equal(_time.GetUtcNow(), resolved.ResolvedAt);
    }
}

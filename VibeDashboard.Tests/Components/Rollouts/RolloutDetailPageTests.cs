using Bunit;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;
using DetailPage = VibeDashboard.Components.Pages.RolloutDetail;

namespace VibeDashboard.Tests.Components.Rollouts;

public sealed class RolloutDetailPageTests : RolloutPageTest
{
    private IRenderedComponent<DetailPage> RenderPage(string id = "ro-1")
    {
        var page = Render<DetailPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=rollout-head], [data-testid=rollout-missing]")));
        return page;
    }

    private static IReadOnlyList<string> ActionButtons(IRenderedComponent<DetailPage> page) =>
        page.FindAll("[data-testid=actions] > .vd-action-buttons [data-testid^=action-]").Select(b => b.GetAttribute("data-testid")!["action-".Length..]).ToList();

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<DetailPage> page, string id) =>
        page.Find($"input[data-testid={id}], [data-testid={id}] input");

    private static string Text(AngleSharp.Dom.IElement element, string id) => element.QuerySelector($"[data-testid={id}]")!.TextContent.Trim();

    private static RolloutStatus With(RolloutStatus status, RolloutState state) => status with { State = state };

    [Fact]
    public void The_header_and_waves_show_state_release_current_wave_exposure_tiers_and_times()
    {
        Board.Put(Rollout(status: s => Running(s, wave: 1)));

        var page = RenderPage();

        Assert.Equal("vibesdk 2026.12", page.Find("[data-testid=rollout-name]").TextContent);
        Assert.Equal("running", page.Find("[data-testid=rollout-state]").TextContent);
        Assert.Equal("release 2026.12.1", page.Find("[data-testid=rollout-release]").TextContent);
        Assert.Equal("wave 2 of 3 (pro)", page.Find("[data-testid=rollout-wave]").TextContent);
        Assert.Equal("internal, pro", page.Find("[data-testid=rollout-exposure]").TextContent);
        var waves = page.FindAll("[data-testid=wave]");
        Assert.Equal(["internal", "pro", "free"], waves.Select(w => Text(w, "wave-tiers")));
        Assert.Equal(["promoted", "observing", "pending"], waves.Select(w => Text(w, "wave-state")));
        Assert.Equal("step", waves[1].GetAttribute("aria-current"));
        Assert.Contains("observe 2h", waves[1].TextContent);
        Assert.Contains("stable since 11:42 UTC", waves[1].TextContent);
        Assert.Null(waves[0].QuerySelector("[data-testid=countdown]"));
    }

    [Fact]
    public void A_missing_rollout_says_so()
    {
        var page = RenderPage("ro-404");

        Assert.Equal("No rollout ro-404", page.Find("[data-testid=rollout-missing]").TextContent);
    }

    [Fact]
    public void Each_gate_shows_its_kind_value_against_threshold_and_recent_checks_as_a_streak_oldest_first()
    {
        Board.Put(Rollout(status: s => Running(s) with
        {
            Gates =
            [
                new GateStatus("completion", GateKind.Metric, FailStreak: 1, Last: Check("completion", GateResult.Fail, TimeSpan.FromMinutes(1), 0.93, reason: "0.93 below 0.95")),
                new GateStatus("startup p95", GateKind.Metric),
            ],
        }));
        Board.AddChecks("ro-1",
            Check("completion", GateResult.Fail, TimeSpan.FromMinutes(1), 0.93),
            Check("completion", GateResult.Pass, TimeSpan.FromMinutes(3)),
            Check("completion", GateResult.Pass, TimeSpan.FromMinutes(2)));

        var page = RenderPage();

        var gates = page.FindAll("[data-testid=gate]");
        Assert.Equal(["completion", "startup p95"], gates.Select(g => Text(g, "gate-name")));
        var completion = gates[0];
        Assert.Equal("metric", Text(completion, "gate-kind"));
        Assert.Equal("fail", Text(completion, "gate-result"));
        Assert.Equal("0.93 ≥ 0.95 · completion_success_rate", Text(completion, "gate-value"));
        Assert.Equal("1 of 2 fails in a row", Text(completion, "gate-fail-streak"));
        Assert.Equal("0.93 below 0.95", Text(completion, "gate-reason"));
        var marks = completion.QuerySelectorAll("[data-testid=streak-mark]");
        Assert.Equal(["✓", "✓", "✗"], marks.Select(m => m.TextContent));
        Assert.Equal(["pass", "pass", "fail"], marks.Select(m => m.GetAttribute("aria-label")));
        Assert.Equal("no checks yet", Text(gates[1], "streak-empty"));
        Assert.Equal("not checked yet · preview_startup_latency_ms", Text(gates[1], "gate-value"));
    }

    [Fact]
    public async Task A_gate_with_values_charts_the_cohort_against_its_threshold_and_is_rebuilt_only_when_its_checks_change()
    {
        Board.Put(Rollout(status: s => Running(s)));
        Board.AddChecks("ro-1",
            Check("completion", GateResult.Pass, TimeSpan.FromMinutes(3), 0.97),
            Check("completion", GateResult.Fail, TimeSpan.FromMinutes(2), 0.93),
            Check("startup p95", GateResult.Pass, TimeSpan.FromMinutes(2), 8000, 10000));
        var page = RenderPage();

        // One check is no trend: only the gate with two gets a chart.
        var chart = Assert.Single(page.FindComponents<ApexChart>()).Instance.Config;
        Assert.Equal(["cohort"], chart.Series.Select(s => s.Name));
        Assert.Equal([0.97, 0.93], chart.Series[0].Y);
        Assert.Equal(0.95, Assert.Single(chart.Thresholds).Y);
        Assert.Equal(MetricUnit.Ratio, chart.Unit);

        await Board.RaiseAsync();
        Time.Advance(VibeDashboard.Components.LivePageBase.TextInterval);
        page.WaitForAssertion(() => Assert.True(Board.GetCount >= 2));
        Assert.Same(chart, page.FindComponents<ApexChart>().Single().Instance.Config);

        Board.AddChecks("ro-1", Check("completion", GateResult.Pass, TimeSpan.FromMinutes(1), 0.96));
        await Board.RaiseAsync();
        Time.Advance(VibeDashboard.Components.LivePageBase.TextInterval);
        page.WaitForAssertion(() => Assert.Equal(3, page.FindComponents<ApexChart>().Single().Instance.Config.Series[0].Y.Count));
    }

    [Fact]
    public void A_baseline_gate_charts_the_cohort_the_baseline_and_the_limit_it_sets()
    {
        var definition = Definition with { Gates = [new GateDefinition("vs baseline", Metric: "completion_success_rate", Window: "30m", Baseline: true, MaxWorseBy: 0.02)] };
        var last = new GateCheck("vs baseline", GateKind.Baseline, GateResult.Fail, 0.90, 0.95, 100, Now - TimeSpan.FromMinutes(1), "worse", [], Baseline: 0.97);
        Board.Put(Rollout(definition: definition, status: s => Running(s) with { Gates = [new GateStatus("vs baseline", GateKind.Baseline, FailStreak: 1, Last: last)] }));
        Board.AddChecks("ro-1", new GateCheck("vs baseline", GateKind.Baseline, GateResult.Pass, 0.96, 0.95, 100, Now - TimeSpan.FromMinutes(2), "ok", [], Baseline: 0.97), last);

        var page = RenderPage();

        var chart = page.FindComponents<ApexChart>().Single().Instance.Config;
        Assert.Equal(["cohort", "baseline", "limit"], chart.Series.Select(s => s.Name));
        Assert.Equal([0.97, 0.97], chart.Series[1].Y);
        Assert.Equal("0.9 vs 0.95 (baseline 0.97) · completion_success_rate", page.Find("[data-testid=gate-value]").TextContent.Trim());
    }

    [Fact]
    public void The_countdown_follows_the_fake_clock_until_the_observation_is_complete()
    {
        Board.Put(Rollout(status: s => Running(s, stableFor: TimeSpan.FromMinutes(18))));
        var page = RenderPage();
        Assert.Equal("promotable in 12 min", page.Find("[data-testid=countdown]").TextContent);

        Time.Advance(TimeSpan.FromMinutes(10));
        page.WaitForAssertion(() => Assert.Equal("promotable in 2 min", page.Find("[data-testid=countdown]").TextContent));

        Time.Advance(TimeSpan.FromSeconds(90));
        page.WaitForAssertion(() => Assert.Equal("promotable in 30 s", page.Find("[data-testid=countdown]").TextContent));

        Time.Advance(TimeSpan.FromSeconds(30));
        page.WaitForAssertion(() => Assert.Equal("observation complete", page.Find("[data-testid=countdown]").TextContent));
    }

    [Fact]
    public void A_viewer_sees_no_actions()
    {
        SignIn(DashboardRole.Viewer, "wall");
        Board.Put(Rollout(status: s => Running(s)));

        var page = RenderPage();

        Assert.Empty(page.FindAll("[data-testid=actions]"));
    }

    [Theory]
    [InlineData(RolloutState.Draft, "start abort")]
    [InlineData(RolloutState.Running, "pause rollback abort")]
    [InlineData(RolloutState.Ready, "pause promote rollback abort")]
    [InlineData(RolloutState.Paused, "resume rollback abort")]
    [InlineData(RolloutState.RolledBack, "retry abort")]
    [InlineData(RolloutState.Aborted, "retry")]
    public void An_operator_gets_the_controls_of_the_state_but_never_force_promote(RolloutState state, string expected)
    {
        Board.Put(Rollout(status: s => state == RolloutState.Draft ? s : With(Running(s), state)));

        var page = RenderPage();

        Assert.Equal(expected.Split(' '), ActionButtons(page));
    }

    [Fact]
    public void A_completed_rollout_has_no_controls()
    {
        Board.Put(Rollout(status: s => With(Running(s, wave: 2), RolloutState.Completed)));

        var page = RenderPage();

        Assert.Empty(page.FindAll("[data-testid=actions]"));
    }

    [Fact]
    public void An_admin_also_gets_force_promote_and_a_start_past_an_unsatisfied_checklist()
    {
        SignIn(DashboardRole.Admin, "ada@example.com");
        Board.Put(Rollout("ro-1", s => Running(s)));
        Board.Put(Rollout("ro-2", readiness: [new ReadinessItem(ReadinessItemKey.RotationOwnership, "Key rotation documented", ReadinessResult.Unknown, "only a person can confirm it")]));

        Assert.Equal(["pause", "force-promote", "rollback", "abort"], ActionButtons(RenderPage("ro-1")));
        Assert.Equal(["start", "start-override", "abort"], ActionButtons(RenderPage("ro-2")));
    }

    [Fact]
    public async Task Force_promote_needs_a_reason_and_sends_it_as_an_admin_command()
    {
        SignIn(DashboardRole.Admin, "ada@example.com");
        Board.Put(Rollout(status: s => Running(s, version: 7)));
        var page = RenderPage();

        await page.Find("[data-testid=action-force-promote]").ClickAsync(new());
        Assert.Empty(Pipeline.Sent);
        Assert.StartsWith("Force-promote wave 1 (internal)? It is not ready: wave 1 (internal) has no gate checks yet.", page.Find("[data-testid=confirm-text]").TextContent);
        Assert.True(page.Find("[data-testid=confirm-submit]").HasAttribute("disabled"));

        Input(page, "action-reason").Input("hotfix verified on internal by hand");
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=confirm-submit]").HasAttribute("disabled")));
        await page.Find("[data-testid=confirm-submit]").ClickAsync(new());

        var command = Assert.IsType<RolloutControlCommand>(Pipeline.Sent.Single().Command);
        Assert.Equal(new RolloutInput.ForcePromote("hotfix verified on internal by hand"), command.Input);
        Assert.Equal(DashboardRole.Admin, command.RequiredRole);
        Assert.Equal(7, command.ExpectedVersion);
        Assert.Equal("ro-1", command.TargetId);
    }

    [Fact]
    public async Task An_admin_start_past_the_checklist_needs_a_reason_and_says_it_overrides_readiness()
    {
        SignIn(DashboardRole.Admin, "ada@example.com");
        Board.Put(Rollout(readiness: [new ReadinessItem(ReadinessItemKey.RotationOwnership, "Key rotation documented", ReadinessResult.Unknown, "only a person can confirm it")]));
        var page = RenderPage();

        await page.Find("[data-testid=action-start-override]").ClickAsync(new());
        Assert.True(page.Find("[data-testid=confirm-submit]").HasAttribute("disabled"));
        Input(page, "action-reason").Input("rotation drill done yesterday, ticket OPS-12");
        await page.Find("[data-testid=confirm-submit]").ClickAsync(new());

        var command = Assert.IsType<RolloutControlCommand>(Pipeline.Sent.Single().Command);
        Assert.IsType<RolloutInput.Start>(command.Input);
        Assert.True(command.OverrideReadiness);
        Assert.Equal("rotation drill done yesterday, ticket OPS-12", command.Reason);
        Assert.Equal(DashboardRole.Admin, command.RequiredRole);
    }

    [Theory]
    [InlineData("rollback", "Roll back wave 1 (internal)? Its tiers (internal) leave the release at once.")]
    [InlineData("abort", "Abort the rollout? Every tier leaves the release at once (now: internal).")]
    public async Task Rollback_and_abort_ask_for_confirmation_first(string action, string question)
    {
        Board.Put(Rollout(status: s => Running(s)));
        var page = RenderPage();

        await page.Find($"[data-testid=action-{action}]").ClickAsync(new());
        Assert.Empty(Pipeline.Sent);
        Assert.Equal(question, page.Find("[data-testid=confirm-text]").TextContent);

        await page.Find("[data-testid=confirm-cancel]").ClickAsync(new());
        Assert.Empty(page.FindAll("[data-testid=confirm-text]"));
        Assert.Empty(Pipeline.Sent);

        await page.Find($"[data-testid=action-{action}]").ClickAsync(new());
        Input(page, "action-reason").Input("error spike on internal");
        await page.Find("[data-testid=confirm-submit]").ClickAsync(new());

        var command = Assert.IsType<RolloutControlCommand>(Pipeline.Sent.Single().Command);
        RolloutInput expected = action == "rollback" ? new RolloutInput.Rollback("error spike on internal") : new RolloutInput.Abort("error spike on internal");
        Assert.Equal(expected, command.Input);
        Assert.Equal(DashboardRole.Operator, command.RequiredRole);
    }

    [Fact]
    public async Task Start_resume_promote_and_retry_send_at_once()
    {
        Board.Put(Rollout(status: s => With(Running(s), RolloutState.Ready)));
        var page = RenderPage();

        await page.Find("[data-testid=action-promote]").ClickAsync(new());

        var command = Assert.IsType<RolloutControlCommand>(Pipeline.Sent.Single().Command);
        Assert.IsType<RolloutInput.Promote>(command.Input);
        Assert.Equal("rollout.promote", command.Action);
        Assert.Equal("Promote: done.", page.Find("[data-testid=action-message]").TextContent.Trim());
    }

    [Fact]
    public async Task A_refusal_shows_the_pipelines_text()
    {
        Pipeline.Answer = _ => (CommandOutcome.Conflict, null, "wave 1 (internal) is promotable in 12 min (stable since 11:42:00 UTC, observation 30m)");
        Board.Put(Rollout(status: s => With(Running(s), RolloutState.Ready)));
        var page = RenderPage();

        await page.Find("[data-testid=action-promote]").ClickAsync(new());

        var message = page.Find("[data-testid=action-message]").TextContent.Trim();
        Assert.Contains("wave 1 (internal) is promotable in 12 min (stable since 11:42:00 UTC, observation 30m)", message);
        Assert.StartsWith("Changed meanwhile; reloaded.", message);
    }

    [Fact]
    public async Task An_invalid_control_shows_the_machines_rule_as_is()
    {
        Pipeline.Answer = _ => (CommandOutcome.Invalid, null, "the alert has not cleared: still firing in scope on availability");
        Board.Put(Rollout(status: s => With(Running(s), RolloutState.Paused) with { Pause = new RolloutPause(PauseCause.Alert, "alert on availability", Now - TimeSpan.FromMinutes(4)) }));
        var page = RenderPage();
        Assert.Equal("Paused (an SLO alert in scope) at 11:56 UTC: alert on availability", page.Find("[data-testid=pause-reason]").TextContent);

        await page.Find("[data-testid=action-resume]").ClickAsync(new());

        Assert.Equal("the alert has not cleared: still firing in scope on availability", page.Find("[data-testid=action-message]").TextContent.Trim());
    }

    [Fact]
    public async Task The_readiness_checklist_shows_evidence_and_an_admin_attests_with_a_link()
    {
        SignIn(DashboardRole.Admin, "ada@example.com");
        Board.Put(Rollout(readiness:
        [
            new ReadinessItem(ReadinessItemKey.Observability, "Observability enabled", ReadinessResult.Passed, "api 120, agent 80, sandbox 45 events in the last hour"),
            new ReadinessItem(ReadinessItemKey.RotationOwnership, "Key rotation documented", ReadinessResult.Unknown, "only a person can confirm it"),
        ]));
        var page = RenderPage();

        var items = page.FindAll("[data-testid=readiness-item]");
        Assert.Equal(["passed", "unknown"], items.Select(i => Text(i, "readiness-result")));
        Assert.Equal("api 120, agent 80, sandbox 45 events in the last hour", Text(items[0], "readiness-evidence"));
        Assert.Null(items[0].QuerySelector("[data-testid=attest-open]"));

        await page.Find("[data-testid=attest-open]").ClickAsync(new());
        Input(page, "attest-link").Input("https://runbooks.example.com/rotation");
        await page.Find("[data-testid=attest-submit]").ClickAsync(new());

        var command = Assert.IsType<AttestReadinessCommand>(Pipeline.Sent.Single().Command);
        Assert.Equal(new AttestReadinessCommand("ro-1", ReadinessItemKey.RotationOwnership, "https://runbooks.example.com/rotation") { ExpectedVersion = 1 }, command);
    }

    [Fact]
    public void An_operator_cannot_attest()
    {
        Board.Put(Rollout(readiness: [new ReadinessItem(ReadinessItemKey.RotationOwnership, "Key rotation documented", ReadinessResult.Unknown, "only a person can confirm it")]));

        var page = RenderPage();

        Assert.Empty(page.FindAll("[data-testid=attest-open]"));
    }

    [Fact]
    public void The_timeline_shows_lines_newest_first_with_their_evidence_as_text()
    {
        var fail = Check("completion", GateResult.Fail, TimeSpan.FromMinutes(2), 0.9, reason: "0.9 below 0.95");
        Board.Put(Rollout(status: s => With(Running(s), RolloutState.RolledBack), timeline:
        [
            new RolloutLine(Now - TimeSpan.FromMinutes(60), 0, "started: wave 1 (internal) exposed", RolloutEventKind.Started, false, false, []),
            new RolloutLine(Now - TimeSpan.FromMinutes(1), 0, "<i>wave 1 (internal)</i> rolled back", RolloutEventKind.RolledBack, true, false, [fail]),
        ]));

        var page = RenderPage();

        var lines = page.FindAll("[data-testid=timeline-line]");
        Assert.Equal(["<i>wave 1 (internal)</i> rolled back", "started: wave 1 (internal) exposed"], lines.Select(l => Text(l, "timeline-text")));
        Assert.Contains("automatic", lines[0].TextContent);
        Assert.Contains("completion: fail at 11:58:00 UTC, 0.9 below 0.95", lines[0].TextContent);
        Assert.Empty(page.FindAll("[data-testid=timeline] i"));
    }

    [Fact]
    public async Task A_signal_from_the_board_pulls_the_rollout_and_its_checks_again()
    {
        Board.Put(Rollout(status: s => Running(s)));
        var page = RenderPage();
        Assert.Equal(1, Board.SubscriberCount);

        Board.Put(Rollout(status: s => With(Running(s), RolloutState.Paused) with { Pause = new RolloutPause(PauseCause.Operator, "waiting for the provider", Now) }));
        Board.AddChecks("ro-1", Check("completion", GateResult.Pass, TimeSpan.FromSeconds(10)));
        await Board.RaiseAsync();
        await Board.RaiseAsync();
        Time.Advance(VibeDashboard.Components.LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal("paused", page.Find("[data-testid=rollout-state]").TextContent));
        Assert.Equal(["✓"], page.FindAll("[data-gate=completion] [data-testid=streak-mark]").Select(m => m.TextContent));

        await DisposeComponentsAsync();
        Assert.Equal(0, Board.SubscriberCount);
    }

    [Fact]
    public void On_the_live_demo_an_operator_degrades_an_exposed_tier_from_the_page_and_sees_it_active()
    {
        Board.Put(Rollout(status: s => Running(s, wave: 1)));
        Demo.State = Demo.State with { IsDemo = true };
        Pipeline.Answer = _ =>
        {
            Demo.State = Demo.State with { Fault = new VibeDashboard.Ingestion.Demo.DemoFault("pro", Now, Now.AddMinutes(10), "olivia@example.com") };
            return (VibeDashboard.Operations.Commands.CommandOutcome.Ok, Demo.State.Fault, null);
        };

        var page = RenderPage();

        var buttons = page.FindAll("[data-testid=demo-fault-inject]");
        Assert.Equal(["internal", "pro"], buttons.Select(b => b.GetAttribute("data-tier")));
        page.Find("[data-testid=demo-fault-inject][data-tier=pro]").Click();

        // Pages send commands off the circuit's thread (CommandSender): the command arrives a moment after the click.
        page.WaitForAssertion(() => Assert.Single(Pipeline.SentOf<VibeDashboard.Operations.Demo.InjectDemoFaultCommand>()));
        var sent = Pipeline.SentOf<VibeDashboard.Operations.Demo.InjectDemoFaultCommand>().Single();
        Assert.Equal(("pro", TimeSpan.FromMinutes(10)), (sent.Tier, sent.Duration));
        page.WaitForAssertion(() => Assert.Contains("pro's generations are failing until", page.Find("[data-testid=demo-fault-active]").TextContent));
        Assert.Single(page.FindAll("[data-testid=demo-fault-end]"));
    }

    [Fact]
    public void Without_the_demo_or_for_a_viewer_no_fault_can_be_set()
    {
        Board.Put(Rollout(status: s => Running(s)));
        var page = RenderPage();
        Assert.Empty(page.FindAll("[data-testid=demo-fault]"));

        Demo.State = Demo.State with { IsDemo = true };
        SignIn(DashboardRole.Viewer);
        page = RenderPage();
        Assert.Single(page.FindAll("[data-testid=demo-fault]"));
        Assert.Empty(page.FindAll("[data-testid=demo-fault-inject]"));
    }
}

using Bunit;
using VibeDashboard.Components;
using VibeDashboard.Components.Controls;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Components.Rollouts;

namespace VibeDashboard.Tests.Components.Controls;

public sealed class CurrentRolloutCardTests : RolloutPageTest
{
    [Fact]
    public void Shows_the_running_rollout_its_wave_and_tiers_each_gates_last_result_and_the_countdown_linking_to_its_page()
    {
        Board.Put(Rollout("ro-3", s => Running(s, wave: 1, stableFor: TimeSpan.FromMinutes(108)) with
        {
            Gates =
            [
                new GateStatus("completion", GateKind.Metric, Last: Check("completion", GateResult.Pass, TimeSpan.FromMinutes(1))),
                new GateStatus("startup p95", GateKind.Metric, Last: Check("startup p95", GateResult.Pass, TimeSpan.FromMinutes(1), value: 4200, threshold: 10000)),
            ],
        }));

        var card = Render<CurrentRolloutCard>();

        var link = card.Find("[data-testid=current-rollout]");
        Assert.Equal("/rollouts/ro-3", link.GetAttribute("href"));
        Assert.Equal("running", link.GetAttribute("data-state"));
        Assert.Equal("vibesdk 2026.12", card.Find("[data-testid=current-rollout-name]").TextContent);
        Assert.Equal("release 2026.12.1", card.Find("[data-testid=current-rollout-release]").TextContent);
        Assert.Equal("running", card.Find("[data-testid=current-rollout-state]").TextContent);
        Assert.Equal("wave 2 of 3", card.Find("[data-testid=current-rollout-wave]").TextContent);
        Assert.Equal("pro", card.Find("[data-testid=current-rollout-tiers]").TextContent);
        Assert.Equal(["✓", "✓"], card.FindAll("[data-testid=gate-mark]").Select(m => m.TextContent));
        Assert.Equal(["completion", "startup p95"], card.FindAll("[data-testid=gate-name]").Select(m => m.TextContent));
        Assert.StartsWith("startup p95: pass, 4200 ≤ ", card.FindAll("[data-testid=current-rollout-gate]")[1].GetAttribute("title"));
        Assert.Equal("promotable in 12 min", card.Find("[data-testid=current-rollout-promotion]").TextContent);
    }

    [Fact]
    public void A_held_wave_says_which_gate_holds_it_with_every_mark_and_the_fail_streak()
    {
        Board.Put(Rollout("ro-1", s => Running(s) with
        {
            Gates =
            [
                new GateStatus("completion", GateKind.Metric, FailStreak: 1, Last: Check("completion", GateResult.Fail, TimeSpan.FromMinutes(1), value: 0.91, reason: "0.91 < 0.95 on pro")),
                new GateStatus("startup p95", GateKind.Metric, Last: Check("startup p95", GateResult.Inconclusive, TimeSpan.FromMinutes(1), reason: "8 of 20 events")),
            ],
        }));

        var card = Render<CurrentRolloutCard>();

        Assert.Equal(["fail", "inconclusive"], card.FindAll("[data-testid=current-rollout-gate]").Select(g => g.GetAttribute("data-result")));
        Assert.Equal(["✗", "?"], card.FindAll("[data-testid=gate-mark]").Select(m => m.TextContent));
        Assert.Equal("fail 1 of 2 in a row", card.Find("[data-testid=gate-fail-streak]").TextContent.Trim());
        var promotion = card.Find("[data-testid=current-rollout-promotion]");
        Assert.StartsWith("wave 1 (internal) is held: gate \"completion\" was", promotion.TextContent);
        Assert.Contains("0.91 < 0.95 on pro", promotion.TextContent);
        Assert.Contains("vd-text-warning", promotion.ClassName);
    }

    [Fact]
    public void A_paused_rollout_says_why_and_a_ready_one_that_it_is_promotable_now()
    {
        Board.Put(Rollout("ro-1", s => Running(s) with
        {
            State = RolloutState.Paused,
            Pause = new RolloutPause(PauseCause.Alert, "availability is paging", Now.AddMinutes(-3)),
        }));

        var card = Render<CurrentRolloutCard>();

        Assert.Equal("paused", card.Find("[data-testid=current-rollout-state]").TextContent);
        Assert.Equal("paused (an SLO alert in scope): availability is paging", card.Find("[data-testid=current-rollout-promotion]").TextContent);

        Board.Put(Rollout("ro-1", s => Running(s) with { State = RolloutState.Ready }));
        _ = Board.RaiseAsync();
        Time.Advance(LivePageBase.TextInterval);

        card.WaitForAssertion(() => Assert.Equal("promotable now", card.Find("[data-testid=current-rollout-promotion]").TextContent));
        Assert.Equal("ready", card.Find("[data-testid=current-rollout-state]").TextContent);
    }

    [Fact]
    public void Nothing_is_shown_without_a_rollout_under_way_and_the_newest_one_under_way_is_picked()
    {
        Board.Put(Rollout("ro-1", s => s with { State = RolloutState.Completed }, age: TimeSpan.FromMinutes(10)));
        Board.Put(Rollout("ro-2", age: TimeSpan.FromMinutes(5))); // a draft

        var card = Render<CurrentRolloutCard>();

        Assert.Empty(card.FindAll("[data-testid=current-rollout]"));
        Assert.Equal("", card.Markup.Trim());

        Board.Put(Rollout("ro-3", s => Running(s), age: TimeSpan.FromHours(3)));
        Board.Put(Rollout("ro-4", s => Running(s, wave: 2), age: TimeSpan.FromHours(2)));
        _ = Board.RaiseAsync();
        Time.Advance(LivePageBase.TextInterval);

        card.WaitForAssertion(() => Assert.Equal("ro-4", card.Find("[data-testid=current-rollout]").GetAttribute("data-id")));
        Assert.Equal("free", card.Find("[data-testid=current-rollout-tiers]").TextContent);
    }

    [Fact]
    public async Task The_countdown_moves_on_its_own_clock_and_the_subscription_ends_with_the_card()
    {
        Board.Put(Rollout("ro-1", s => Running(s, stableFor: TimeSpan.FromMinutes(28)) with
        {
            Gates = [new GateStatus("completion", GateKind.Metric, Last: Check("completion", GateResult.Pass, TimeSpan.FromMinutes(1))), new GateStatus("startup p95", GateKind.Metric, Last: Check("startup p95", GateResult.Pass, TimeSpan.FromMinutes(1)))],
        }));

        var card = Render<CurrentRolloutCard>();
        Assert.Equal("promotable in 2 min", card.Find("[data-testid=current-rollout-promotion]").TextContent);
        Assert.Equal(1, Board.SubscriberCount);

        Time.Advance(TimeSpan.FromSeconds(90));

        card.WaitForAssertion(() => Assert.Equal("promotable in 30 s", card.Find("[data-testid=current-rollout-promotion]").TextContent));
        await DisposeComponentsAsync();
        Assert.Equal(0, Board.SubscriberCount);
    }
}

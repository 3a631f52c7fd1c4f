using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VibeDashboard.Aggregation;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;
using static Microsoft.Playwright.Assertions;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>
/// A rollout in a real browser against the real app on the live demo: an admin creates it from the demo's
/// template, sees the readiness checklist judged, starts it past the unsatisfied items with a reason, watches the
/// gate checks arrive, degrades the wave's tier from the page, and sees the gate fail twice and the wave rolled back
/// automatically — all without a reload — while the exposure the platform polls follows.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class RolloutBrowserTests(BrowserFixture browser)
{
    // The demo template checks every 15 s: a check, a failure and the rollback that follows take a minute or so.
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 150_000 };

    static RolloutBrowserTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    [Fact]
    public async Task An_admin_starts_a_demo_rollout_watches_a_gate_fail_live_and_sees_the_automatic_rollback_without_reload()
    {
        // The demo's ongoing degradation crashes warm-pool sandboxes about once a minute, close to the sandbox rule's
        // threshold: depending on the hour the test runs, an incident may open and its gate roll the wave back before
        // the fault does. This test is about the fault in one tier, so that rule is kept out of it.
        await using var host = await LiveDashboardHost.StartAsync(new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            ["Demo:Days"] = "14",
            ["Demo:Seed"] = HealthyProSeed(DateTimeOffset.UtcNow).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Incidents:Rules:SandboxInstability:MinCrashes"] = "100000",
        });
        var token = await host.CreateTokenAsync(DashboardRole.Admin, "release-manager");
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{host.BaseUrl}/login?t={token}&returnUrl={Uri.EscapeDataString("/rollouts")}");
        await BrowserFixture.WaitInteractiveAsync(page);

        await page.Locator("[data-testid=create-open]").ClickAsync();
        await page.Locator("[data-testid=template-choice]").GetByText(DemoRolloutTemplate.Name, new() { Exact = false }).ClickAsync();
        await Expect(page.Locator("[data-testid=template-waves]")).ToHaveTextAsync("pro → free → enterprise, internal");
        await page.Locator("[data-testid=create-submit]").ClickAsync();
        await page.WaitForURLAsync("**/rollouts/ro-*");
        await BrowserFixture.WaitInteractiveAsync(page);
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await page.EvaluateAsync("() => window.__vdNoReload = true");

        // Readiness judged from the demo's data (14 days hold the fixed migration and a rollback drill): observability, drills and guardrails shown by the data, preview
        // startup still on a ticket from the ongoing degradation, key rotation for a person to attest.
        await Expect(page.Locator("[data-testid=readiness-item][data-item=observability] [data-testid=readiness-result]")).ToHaveTextAsync("passed");
        await Expect(page.Locator("[data-testid=readiness-item][data-item=migration_rollback] [data-testid=readiness-result]")).ToHaveTextAsync("passed");
        await Expect(page.Locator("[data-testid=readiness-item][data-item=cost_quota_guardrails] [data-testid=readiness-result]")).ToHaveTextAsync("passed");
        await Expect(page.Locator("[data-testid=readiness-item][data-item=rotation_ownership] [data-testid=readiness-result]")).ToHaveTextAsync("unknown");

        await page.Locator("[data-testid=action-start-override]").ClickAsync();
        await page.Locator("[data-testid=action-reason] input, input[data-testid=action-reason]").First.FillAsync("staging soak signed off in the release channel");
        await page.Locator("[data-testid=confirm-submit]").ClickAsync();
        await Expect(page.Locator("[data-testid=rollout-state]")).ToHaveTextAsync("running");
        await Expect(page.Locator("[data-testid=rollout-exposure]")).ToHaveTextAsync("pro");
        var completion = page.Locator("[data-testid=gate][data-gate=completion]");
        await Expect(completion.Locator("[data-testid=gate-result]")).ToHaveTextAsync("pass", Slow);
        Assert.Equal(["pro"], await ExposedAsync(host, id));

        // The pro tier's generations start failing: the completion gate fails, then fails again, and the wave goes.
        await page.Locator("[data-testid=demo-fault-inject][data-tier=pro]").ClickAsync();
        await Expect(page.Locator("[data-testid=demo-fault-active]")).ToContainTextAsync("pro");
        // The baseline comparison or the completion rate fails first (it depends on the tier's traffic in the window);
        // a first fail stays on the page for a whole check interval before the second one rolls the wave back.
        await Expect(page.Locator("[data-testid=gate-fail-streak]", new() { HasText = "1 of 2 fails in a row" }).First).ToBeVisibleAsync(new() { Timeout = Slow.Timeout });
        await Expect(page.Locator("[data-testid=rollout-state]")).ToHaveTextAsync("rolled back", Slow);
        await Expect(page.Locator("[data-testid=rollout-exposure]")).ToHaveTextAsync("none");
        await Expect(page.Locator("[data-testid=timeline-text]").First).ToContainTextAsync("rolled back");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdNoReload === true"));
        Assert.Empty(await ExposedAsync(host, id));

        // The rollback is the system's, with the gate's two failed checks as evidence; the start and the fault are the admin's.
        var entries = (await host.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Limit: AuditQuery.MaxLimit))).Entries;
        Assert.Contains(entries, e => e is { Action: "rollout.start", Outcome: CommandOutcome.Ok, ActorName: "release-manager" });
        Assert.Contains(entries, e => e is { Action: "demo.fault_inject", Outcome: CommandOutcome.Ok, ActorName: "release-manager" });
        Assert.Contains(entries, e => e.Action == "rollout.check" && e.ActorKind == ActorKind.System && (e.AfterJson ?? "").Contains("rolled_back", StringComparison.Ordinal));
        var rollout = await host.Services.GetRequiredService<IRolloutBoard>().GetAsync(id, CancellationToken.None);
        var line = rollout!.Timeline.Last(l => l.Event == RolloutEventKind.RolledBack);
        Assert.True(line.Automatic);
        // Completion and the baseline comparison both fall with the tier: whichever reached two fails first rolled it back.
        Assert.Contains(line.Evidence.Where(e => e.Result == GateResult.Fail).GroupBy(e => e.Gate), g => g.Count() == 2 && g.Key is "completion" or "vs baseline");
    }

    /// <summary>
    /// A demo seed under which the pro tier has no failed generation in the completion gate's 2 h window now, nor in
    /// the minutes the test runs: 42, the demo's own, whenever it has none. The demo draws each second's events from
    /// (seed, that second), so the window's history depends on the hour the test runs. At night the pro tier runs a
    /// dozen generations in two hours, and two ordinary failures among them put its completion under the gate's 0.9
    /// before any fault is injected (CI hit that at 04:35 UTC). This test is about the injected fault, so the history
    /// before it has to be a healthy one.
    /// </summary>
    internal static int HealthyProSeed(DateTimeOffset now)
    {
        var anchor = now.ToUnixTimeMilliseconds() / 1000 * 1000;
        var from = anchor - (long)TimeSpan.FromMinutes(125).TotalMilliseconds;
        var to = anchor + (long)TimeSpan.FromMinutes(15).TotalMilliseconds;
        for (var seed = 42; seed < 42 + 500; seed++)
        {
            var (good, bad) = (0, 0);
            foreach (var e in new DemoDataGenerator(seed, anchor).Events(from, to))
            {
                if (e.PolicyTier != "pro")
                {
                    continue;
                }

                // As the aggregator counts completion_success_rate.
                var error = string.Equals(e.Status, "error", StringComparison.OrdinalIgnoreCase);
                if (e.EventType == EventTypes.GenerationComplete)
                {
                    (good, bad) = error ? (good, bad + 1) : (good + 1, bad);
                }
                else if (e.EventType == EventTypes.Error && e.Source == "agent" && !string.IsNullOrEmpty(e.AppId))
                {
                    bad++;
                }
            }

            if (bad == 0 && good >= 3)
            {
                return seed;
            }
        }

        throw new InvalidOperationException($"No demo seed from 42 gives the pro tier a clean two hours before {now:u}.");
    }

    private static async Task<IReadOnlyList<string>> ExposedAsync(LiveDashboardHost host, string id)
    {
        var (rollouts, _) = await host.Services.GetRequiredService<IRolloutBoard>().ExposureAsync(CancellationToken.None);
        return rollouts.Single(r => r.Id == id).EnabledTiers;
    }
}

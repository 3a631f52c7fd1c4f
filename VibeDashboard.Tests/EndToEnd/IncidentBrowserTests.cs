using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using System.Text.Json;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Notifications;
using static Microsoft.Playwright.Assertions;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>
/// The incident board and page in a real browser against the real app: an import opens an incident on the open
/// board without a reload, an operator acknowledges it from its page, and both pages fit a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class IncidentBrowserTests(BrowserFixture browser)
{
    private static readonly Actor Colleague = new("ada@example.com", ActorKind.User, DashboardRole.Operator);

    static IncidentBrowserTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    /// <summary>An operator's browser, signed in with an operator token named <paramref name="name"/>, on <paramref name="path"/>.</summary>
    private async Task<IPage> OperatorPageAsync(LiveDashboardHost host, string path, string name = "oncall")
    {
        var token = await host.CreateTokenAsync(DashboardRole.Operator, name);
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{host.BaseUrl}/login?t={token}&returnUrl={Uri.EscapeDataString(path)}");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=user-role]")).ToHaveTextAsync("operator");
        return page;
    }

    private static async Task<long> DeclareAsync(LiveDashboardHost host, string title)
    {
        var result = await host.Services.GetRequiredService<ICommandPipeline>()
            .SendAsync(new DeclareIncidentCommand(IncidentClass.SandboxInstability, title, Severity.Sev2), Colleague);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!.Number;
    }

    /// <summary>One provider failing: 100 calls in the last 5 minutes, 80 of them errors (the rule: ≥ 25 % of ≥ 20 calls).</summary>
    private static IEnumerable<DumpEvent> ProviderOutage(DateTimeOffset end) =>
        Enumerable.Range(0, 100).Select(i => WranglerDump.LlmCall($"llm-{i}", end.AddSeconds(-2.5 * i), "anthropic", ok: i % 5 == 0, tier: i % 2 == 0 ? "pro" : "free"));

    private static async Task AcknowledgeAsync(IPage page, string owner)
    {
        if (await page.Locator("[data-testid=form-acknowledge]").CountAsync() == 0)
        {
            await page.Locator("[data-testid=action-acknowledge]").ClickAsync();
        }

        await Expect(page.Locator("[data-testid=ack-owner] input, input[data-testid=ack-owner]")).ToHaveValueAsync(owner);
        await page.Locator("[data-testid=ack-submit]").ClickAsync();
        await Expect(page.Locator("[data-testid=incident-status]")).ToHaveTextAsync("investigating");
        await Expect(page.Locator("[data-testid=incident-owner]")).ToHaveTextAsync(owner);
        await Expect(page.Locator("[data-testid=action-acknowledge]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=incident-next-update]")).ToContainTextAsync("due in");
    }

    /// <summary>
    /// The navigation drawer starts closed below the medium breakpoint (the layout's concern, tested with it); where
    /// it is open over the content, close it as a person would before using the page.
    /// </summary>
    private static async Task CloseDrawerIfOpenAsync(IPage page)
    {
        if (await page.Locator(".vd-root.vd-drawer-open").CountAsync() > 0)
        {
            await page.Locator("button[aria-label='Toggle navigation']").ClickAsync();
            await Expect(page.Locator(".vd-root.vd-drawer-open")).ToHaveCountAsync(0);
        }
    }

    private static Task<bool> ScrollsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth");

    [Fact]
    public async Task An_imported_provider_outage_appears_on_the_open_board_and_an_operator_acknowledges_it()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var page = await OperatorPageAsync(host, "/incidents");
        await Expect(page.Locator("[data-testid=board-column]")).ToHaveCountAsync(5);
        await Expect(page.Locator("[data-testid=incident-card]")).ToHaveCountAsync(0);
        await page.EvaluateAsync("() => window.__vdNoReload = true");

        await host.ImportAsync(ProviderOutage(DateTimeOffset.UtcNow));

        var card = page.Locator("[data-testid=board-column][data-class=provider_outage] [data-testid=incident-card]");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card.Locator("[data-testid=card-signal]")).ToContainTextAsync("signal active");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdNoReload === true"));

        await card.ClickAsync();
        await page.WaitForURLAsync("**/incidents/*");
        await Expect(page.Locator("[data-testid=first-action]")).ToContainTextAsync("Fail over to validated backup route");
        await Expect(page.Locator("[data-testid=evidence-values]")).ToBeVisibleAsync();
        await AcknowledgeAsync(page, "oncall");
    }

    /// <summary>Types into a MudTextField, whichever element its data-testid landed on.</summary>
    private static Task FillAsync(IPage page, string testId, string text) =>
        page.Locator($"[data-testid={testId}] input, [data-testid={testId}] textarea, input[data-testid={testId}], textarea[data-testid={testId}]").First.FillAsync(text);

    /// <summary>
    /// The "done when", from the page: an imported outage opens an incident, and an operator takes it through
    /// acknowledge → update with ETA → resolve → postmortem → close; every step is in the audit log as that operator
    /// and reaches a real webhook receiver, signed, in order.
    /// </summary>
    [Fact]
    public async Task An_operator_takes_a_detected_outage_to_a_published_postmortem_from_the_page_audited_and_published()
    {
        const string Secret = "browser-test-secret";
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await LiveDashboardHost.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:0:Name"] = "status",
            ["Notifications:Webhooks:0:Url"] = receiver.UrlFor("status"),
            ["Notifications:Webhooks:0:Secret"] = Secret,
            ["Notifications:Webhooks:0:Events:0"] = "incident.*",
            ["Notifications:Webhooks:0:Format"] = "json",
            ["Notifications:PollInterval"] = "00:00:01",
        });
        var page = await OperatorPageAsync(host, "/incidents");
        await host.ImportAsync(ProviderOutage(DateTimeOffset.UtcNow));
        var card = page.Locator("[data-testid=board-column][data-class=provider_outage] [data-testid=incident-card]");
        await card.ClickAsync();
        await page.WaitForURLAsync("**/incidents/*");
        await BrowserFixture.WaitInteractiveAsync(page);
        var number = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await AcknowledgeAsync(page, "oncall");

        await FillAsync(page, "update-message", "Failed over to the backup route; watching <i>error ratio</i>");
        await page.Locator("[data-testid=update-status]").GetByText("monitoring", new() { Exact = true }).ClickAsync();
        await FillAsync(page, "update-eta", "45");
        await page.Locator("[data-testid=update-submit]").ClickAsync();
        await Expect(page.Locator("[data-testid=incident-status]")).ToHaveTextAsync("monitoring");
        await Expect(page.Locator("[data-testid=update-text]").First).ToHaveTextAsync("Failed over to the backup route; watching <i>error ratio</i>");
        await Expect(page.Locator("[data-testid=incident-eta]")).Not.ToBeEmptyAsync();

        await page.Locator("[data-testid=action-resolve]").ClickAsync();
        await page.Locator("[data-testid=resolve-submit]").ClickAsync();
        await Expect(page.Locator("[data-testid=incident-status]")).ToHaveTextAsync("resolved");

        await FillAsync(page, "pm-summary", "anthropic returned 5xx for 4 minutes");
        await FillAsync(page, "pm-impact", "generations failed on pro and free");
        await FillAsync(page, "pm-root-cause", "upstream capacity");
        await page.Locator("[data-testid=pm-status]").GetByText("in review", new() { Exact = true }).ClickAsync();
        await page.Locator("[data-testid=pm-save]").ClickAsync();
        var board = host.Services.GetRequiredService<IIncidentBoard>();
        await WaitUntilAsync(async () => (await board.GetAsync(number, default))?.Postmortem?.Status == PostmortemStatus.InReview, "the postmortem is in review");
        await page.Locator("[data-testid=pm-status]").GetByText("published", new() { Exact = true }).ClickAsync();
        await page.Locator("[data-testid=pm-save]").ClickAsync();
        await WaitUntilAsync(async () => (await board.GetAsync(number, default))?.Postmortem?.Status == PostmortemStatus.Published, "the postmortem is published");

        await page.Locator("[data-testid=action-close]").ClickAsync();
        await page.Locator("[data-testid=close-submit]").ClickAsync();
        await Expect(page.Locator("[data-testid=incident-status]")).ToHaveTextAsync("closed");

        // Every step is audited as the operator's token, in order, after the system's detection.
        var audit = await host.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(TargetType: "incident", TargetId: IncidentCommand.TargetOf(number)));
        var steps = audit.Entries.Reverse().Where(e => e.Outcome == CommandOutcome.Ok).ToList();
        Assert.Equal(("incident.detect", ActorKind.System), (steps[0].Action, steps[0].ActorKind));
        Assert.Equal(
            ["incident.acknowledge", "incident.update", "incident.resolve", "incident.postmortem", "incident.postmortem", "incident.close"],
            steps.Where(e => e.ActorKind != ActorKind.System).Select(e => e.Action));
        Assert.All(steps.Where(e => e.ActorKind != ActorKind.System), e => Assert.Contains("oncall", e.ActorName, StringComparison.Ordinal));

        // And published: each event signed, in order, for this incident.
        string[] expected = ["incident.created", "incident.assigned", "incident.updated", "incident.resolved", "incident.postmortem_published", "incident.closed"];
        await WaitUntilAsync(() => Task.FromResult(receiver.For("status").Count(r => Aggregate(r) == $"incident:{number}") >= expected.Length), "every event reaches the receiver");
        var received = receiver.For("status").Where(r => Aggregate(r) == $"incident:{number}").ToList();
        Assert.Equal(expected, received.Select(r => r.Header("X-VibeDashboard-Event")));
        Assert.All(received, r => Assert.True(VibeDashboard.Operations.Notifications.WebhookBody.Verify(Secret, r.Body, r.Header("X-VibeDashboard-Signature"))));
    }

    private static string? Aggregate(ReceivedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.TryGetProperty("aggregate", out var aggregate) ? aggregate.GetString() : null;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(BrowserFixture.TimeoutMs);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_colleagues_incident_appears_without_reload_and_is_acknowledged_from_its_page()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var page = await OperatorPageAsync(host, "/incidents");
        await Expect(page.Locator("[data-testid=board-column]")).ToHaveCountAsync(5);
        await page.EvaluateAsync("() => window.__vdNoReload = true");

        var number = await DeclareAsync(host, "crash loop in <b>eu-west</b>");

        var card = page.Locator($"[data-testid=incident-card][data-number='{number}']");
        await Expect(card.Locator("[data-testid=card-title]")).ToHaveTextAsync("crash loop in <b>eu-west</b>");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdNoReload === true"));

        await card.ClickAsync();
        await page.WaitForURLAsync($"**/incidents/{number}");
        await BrowserFixture.WaitInteractiveAsync(page);
        await AcknowledgeAsync(page, "oncall");

        // Someone else's change shows on the open page too.
        var acknowledged = (await host.Services.GetRequiredService<IIncidentBoard>().GetAsync(number, default))!.Incident;
        var update = await host.Services.GetRequiredService<ICommandPipeline>().SendAsync(
            new IncidentActionCommand(number, new IncidentAction.Update("isolating the tenant", IncidentStatus.Identified)) { ExpectedVersion = acknowledged.Version }, Colleague);
        Assert.True(update.Succeeded, update.Error);
        await Expect(page.Locator("[data-testid=incident-status]")).ToHaveTextAsync("identified");
        await Expect(page.Locator("[data-testid=update-text]")).ToHaveTextAsync("isolating the tenant");
    }

    [Fact]
    public async Task At_390_px_the_board_and_the_incident_page_fit_without_scrolling_sideways()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var number = await DeclareAsync(host, "a rather long incident title that has to wrap on a phone screen without pushing anything off it");
        var page = await OperatorPageAsync(host, "/incidents");
        await page.SetViewportSizeAsync(390, 844);
        await CloseDrawerIfOpenAsync(page);

        await Expect(page.Locator("[data-testid=incident-card]")).ToHaveCountAsync(1);
        // Columns stack: each is (nearly) the page's width — once the layout has settled after the resize (the
        // drawer's slide is a transition).
        await WaitUntilAsync(async () => (await page.Locator("[data-testid=board-column]").First.BoundingBoxAsync())!.Width > 300, "columns stack to (nearly) the width of a 390 px page");
        Assert.False(await ScrollsSidewaysAsync(page), "the board scrolls sideways at 390 px");
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "incidents-390.png"), FullPage = true });

        await BrowserFixture.GotoInteractiveAsync(page, $"{host.BaseUrl}/incidents/{number}");
        await CloseDrawerIfOpenAsync(page);
        await page.Locator("[data-testid=action-acknowledge]").ClickAsync();
        await Expect(page.Locator("[data-testid=ack-submit]")).ToBeVisibleAsync();
        Assert.False(await ScrollsSidewaysAsync(page), "the incident page scrolls sideways at 390 px");
        foreach (var button in await page.Locator("[data-testid=actions] button, [data-testid=update-submit]").AllAsync())
        {
            var box = await button.BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390, $"a button is outside the screen: {box?.X} + {box?.Width}");
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "incident-390.png"), FullPage = true });
        await AcknowledgeAsync(page, "oncall");
    }
}

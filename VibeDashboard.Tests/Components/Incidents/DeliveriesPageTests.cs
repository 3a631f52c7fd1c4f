using System.Reflection;
using System.Security.Claims;
using Bunit;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Components;
using VibeDashboard.Components.Pages;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Notifications;

namespace VibeDashboard.Tests.Components.Incidents;

/// <summary>The admin Deliveries page on the real deliveries table, read model and <c>delivery.retry</c> (the pipeline's).</summary>
public sealed class DeliveriesPageTests : DashboardComponentTest
{
    private const string Delivered = "7f0c1f2a-0000-4000-8000-000000000001";
    private const string Dead = "7f0c1f2a-0000-4000-8000-000000000002";
    private const string Pending = "7f0c1f2a-0000-4000-8000-000000000003";

    private readonly NotificationHarness _notifications;

    public DeliveriesPageTests()
    {
        _notifications = new NotificationHarness(Store.StorePath, Time, new Dictionary<string, string?>());
        // Created by a factory so the bUnit container disposes it (before the base deletes the store).
        var notifications = _notifications;
        Services.AddSingleton(_ => notifications);
        Services.AddSingleton(_ => notifications.Deliveries);
        Services.AddSingleton(_ => notifications.Pipeline);
        Services.AddScoped<CircuitClient>();
        Services.AddScoped<CommandSender>();
        AddAuthorization().SetAuthorized("ada@example.com").SetClaims(new Claim(DashboardClaims.Role, "admin"), new Claim(DashboardClaims.ActorKind, "user"));
    }

    private const string InsertSql = """
        INSERT INTO _vd_deliveries (id, outbox_id, webhook, event, aggregate, status, attempts, created_at, deadline_at, next_attempt_at,
            last_attempt_at, last_status, last_error, delivered_at)
        VALUES (@id, @outboxId, @webhook, @event, @aggregate, @status, @attempts, @createdAt, @deadlineAt, @nextAt, @lastAt, @lastStatus, @lastError, @deliveredAt)
        """;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _ = Services.GetRequiredService<NotificationHarness>();
        var now = Time.GetUtcNow();
        long Ms(TimeSpan ago) => (now - ago).ToUnixTimeMilliseconds();
        await using var connection = await _notifications.Services.GetRequiredService<SqliteConnectionFactory>().OpenAsync();
        await connection.ExecuteAsync(InsertSql, new[]
        {
            new { id = Delivered, outboxId = 1L, webhook = "slack-incidents", @event = "incident.detected", aggregate = "inc-7", status = "delivered", attempts = 1L,
                createdAt = Ms(TimeSpan.FromHours(2)), deadlineAt = Ms(TimeSpan.FromHours(-22)), nextAt = Ms(TimeSpan.FromHours(2)), lastAt = (long?)Ms(TimeSpan.FromHours(2)),
                lastStatus = (long?)200, lastError = (string?)null, deliveredAt = (long?)Ms(TimeSpan.FromHours(2)) },
            new { id = Dead, outboxId = 2L, webhook = "statuspage", @event = "incident.updated", aggregate = "inc-7", status = "dead", attempts = 14L,
                createdAt = Ms(TimeSpan.FromHours(25)), deadlineAt = Ms(TimeSpan.FromHours(1)), nextAt = Ms(TimeSpan.FromHours(1)), lastAt = (long?)Ms(TimeSpan.FromHours(1)),
                lastStatus = (long?)500, lastError = (string?)"Internal Server Error", deliveredAt = (long?)null },
            new { id = Pending, outboxId = 3L, webhook = "statuspage", @event = "incident.resolved", aggregate = "inc-8", status = "pending", attempts = 2L,
                createdAt = Ms(TimeSpan.FromMinutes(3)), deadlineAt = Ms(TimeSpan.FromHours(-23)), nextAt = Ms(TimeSpan.FromMinutes(-4)), lastAt = (long?)Ms(TimeSpan.FromMinutes(1)),
                lastStatus = (long?)null, lastError = (string?)"timeout after 10 s", deliveredAt = (long?)null },
        });
        // The pending delivery's two attempts, as the dispatcher records them.
        await connection.ExecuteAsync("INSERT INTO _vd_delivery_attempts (delivery_id, attempt, at, status, error) VALUES (@id, @attempt, @at, @status, @error)", new[]
        {
            new { id = Pending, attempt = 1L, at = Ms(TimeSpan.FromMinutes(3)), status = (long?)503, error = (string?)"HTTP 503 Service Unavailable: maintenance" },
            new { id = Pending, attempt = 2L, at = Ms(TimeSpan.FromMinutes(1)), status = (long?)null, error = (string?)"timeout after 10 s" },
        });
    }

    [Fact]
    public void A_delivery_tried_more_than_once_lists_every_attempt_oldest_first()
    {
        var page = RenderAt();

        var history = Assert.Single(page.FindAll("[data-testid=delivery-history]"));
        Assert.Equal(
            ["2026-03-02 11:57:00 UTC: HTTP 503 Service Unavailable: maintenance", "2026-03-02 11:59:00 UTC: timeout after 10 s"],
            history.QuerySelectorAll("[data-testid=delivery-history-attempt]").Select(a => a.TextContent.Trim()));
    }

    private IRenderedComponent<Deliveries> RenderAt(string url = "/deliveries")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var page = Render<Deliveries>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=delivery-state], .mud-table-empty-row")));
        return page;
    }

    [Fact]
    public void The_page_is_for_admins()
    {
        // Both apply: the folder's viewer policy and the page's admin one.
        Assert.Contains(AccessPolicies.Admin, typeof(Deliveries).GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy));
    }

    [Fact]
    public void Each_delivery_shows_webhook_event_state_attempts_and_next_attempt()
    {
        var page = RenderAt();

        Assert.Equal(["incident.resolved", "incident.updated", "incident.detected"], page.FindAll("[data-testid=delivery-event]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["statuspage", "statuspage", "slack-incidents"], page.FindAll("[data-testid=delivery-webhook]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["pending", "dead", "delivered"], page.FindAll("[data-testid=delivery-state]").Select(e => e.TextContent.Trim()));
        var attempts = page.FindAll("[data-testid=delivery-attempts]").Select(a => a.TextContent).ToList();
        Assert.Contains("2 attempts", attempts[0]);
        Assert.Contains("2026-03-02 11:59:00 UTC: timeout after 10 s", attempts[0]);
        Assert.Contains("14 attempts", attempts[1]);
        Assert.Contains("HTTP 500, Internal Server Error", attempts[1]);
        Assert.Contains("1 attempt", attempts[2]);
        Assert.Contains("HTTP 200", attempts[2]);
        var next = page.FindAll("[data-testid=delivery-next]").Select(n => n.TextContent.Trim()).ToList();
        Assert.StartsWith("in 4 min (2026-03-02 12:04:00 UTC)", next[0]);
        Assert.StartsWith("none: gave up", next[1]);
        // Only a dead delivery can be retried.
        Assert.Single(page.FindAll("[data-testid=delivery-retry]"));
    }

    [Fact]
    public void The_state_filter_comes_from_the_url()
    {
        var page = RenderAt("/deliveries?status=dead");

        Assert.Equal(["dead"], page.FindAll("[data-testid=delivery-state]").Select(e => e.TextContent.Trim()));
        Assert.Equal("dead (1)", page.Find("[data-testid=delivery-filter] [aria-pressed=true]").TextContent.Trim());
    }

    [Fact]
    public async Task Retry_puts_a_dead_delivery_back_in_the_queue_through_the_pipeline()
    {
        var page = RenderAt();

        await page.Find("[data-testid=delivery-retry]").ClickAsync(new());

        Assert.Equal("Delivery of incident.updated to statuspage is due again now.", page.Find("[data-testid=delivery-message]").TextContent.Trim());
        Assert.Equal(DeliveryStatus.Pending, (await _notifications.Deliveries.GetAsync(Dead))!.Status);
        Assert.Equal(["pending", "pending", "delivered"], page.FindAll("[data-testid=delivery-state]").Select(e => e.TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=delivery-retry]"));
        Assert.Equal("delivery.retry", await _notifications.ScalarAsync("SELECT action FROM _vd_audit ORDER BY seq DESC LIMIT 1"));
    }

}

using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

/// <summary>/api/snapshot and /readyz on a store holding what no import should have let in: never a 500, always the truth.</summary>
public sealed class AggregationHealthTests
{
    private static async Task ExecuteAsync(DashboardAppFactory app, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={app.StorePath};Pooling=False");
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task Api_snapshot_stays_200_and_valid_json_with_an_infinite_duration_and_costs_whose_sum_overflows()
    {
        await using var app = new DashboardAppFactory();
        using var client = await app.CreateClientAsAsync(VibeDashboard.Operations.Access.DashboardRole.Viewer);
        var aggregator = app.Services.GetRequiredService<MetricsAggregator>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        await aggregator.TickAsync();
        await ExecuteAsync(app, $"""
            INSERT INTO ops_events (id, occurred_at, event_type, duration_ms) VALUES ('inf', {now - 60_000}, 'deployment_completed', 1e999);
            INSERT INTO ops_events (id, occurred_at, event_type, cost_usd) VALUES ('c1', {now - 50_000}, 'llm_call', 1e308);
            INSERT INTO ops_events (id, occurred_at, event_type, cost_usd) VALUES ('c2', {now - 40_000}, 'llm_call', 1e308);
            INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('ok', {now - 30_000}, 'probe', 'ok');
            """);

        await aggregator.TickAsync();
        var response = await client.GetAsync("/api/snapshot");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await ReadJsonAsync(response);
        Assert.Equal(3, body.RootElement.GetProperty("skippedValues").GetInt64());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("failure").ValueKind);
        var availability = body.RootElement.GetProperty("metrics").EnumerateArray()
            .Single(m => m.GetProperty("key").GetString() == MetricKeys.Availability && m.GetProperty("window").GetString() == "1h" && m.GetProperty("tier").ValueKind == JsonValueKind.Null);
        Assert.Equal(1, availability.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Occurred_at_of_2_to_the_63_and_year_10000_leave_ticks_working_and_readyz_truthful()
    {
        await using var app = new DashboardAppFactory();
        using var client = await app.CreateClientAsAsync(VibeDashboard.Operations.Access.DashboardRole.Viewer);
        var aggregator = app.Services.GetRequiredService<MetricsAggregator>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await aggregator.TickAsync();
        var before = aggregator.Current.Version;
        var good = now.AddMinutes(-1).ToUnixTimeMilliseconds();
        await ExecuteAsync(app, $"""
            INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('ok', {good}, 'probe', 'ok');
            INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('max', 9223372036854775807, 'probe', 'ok');
            INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('y10k', 253402300800000, 'probe', 'ok');
            """);

        await aggregator.TickAsync();

        Assert.True(aggregator.Current.Version > before);
        Assert.Equal(2, aggregator.Current.SkippedValues);
        Assert.Equal(good, aggregator.Current.DataAsOf!.Value.ToUnixTimeMilliseconds());
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var body = await ReadJsonAsync(ready);
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal(good, checks.GetProperty("freshness").GetProperty("newestEvent").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.True(checks.GetProperty("aggregation").GetProperty("ok").GetBoolean());
        Assert.Equal(2, checks.GetProperty("aggregation").GetProperty("skippedValues").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/snapshot")).StatusCode);
    }

    [Fact]
    public async Task Readyz_is_not_ready_with_the_reason_while_ticks_fail_and_ready_again_after_a_good_tick()
    {
        await using var app = new DashboardAppFactory();
        using var client = await app.CreateClientAsAsync(VibeDashboard.Operations.Access.DashboardRole.Viewer);
        var aggregator = app.Services.GetRequiredService<MetricsAggregator>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        await ExecuteAsync(app, $"INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('ok', {now - 1000}, 'probe', 'ok')");
        await aggregator.TickAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await ExecuteAsync(app, "ALTER TABLE ops_events RENAME TO ops_events_away");
        await Assert.ThrowsAnyAsync<Exception>(() => aggregator.TickAsync());

        var failing = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        using (var body = await ReadJsonAsync(failing))
        {
            Assert.Equal("not_ready", body.RootElement.GetProperty("status").GetString());
            var aggregation = body.RootElement.GetProperty("checks").GetProperty("aggregation");
            Assert.False(aggregation.GetProperty("ok").GetBoolean());
            Assert.Contains("no such table", aggregation.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.String, aggregation.GetProperty("since").ValueKind);
        }

        // The last good numbers are still served, marked with the failure.
        var snapshot = await client.GetAsync("/api/snapshot");
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        using (var body = await ReadJsonAsync(snapshot))
        {
            Assert.Contains("no such table", body.RootElement.GetProperty("failure").GetProperty("error").GetString());
            Assert.NotEmpty(body.RootElement.GetProperty("metrics").EnumerateArray());
        }

        await ExecuteAsync(app, "ALTER TABLE ops_events_away RENAME TO ops_events");
        await aggregator.TickAsync();

        var recovered = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        using (var body = await ReadJsonAsync(recovered))
        {
            Assert.True(body.RootElement.GetProperty("checks").GetProperty("aggregation").GetProperty("ok").GetBoolean());
        }
    }
}

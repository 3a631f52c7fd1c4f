using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Hubs;
using VibeDashboard.Ingestion;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary>The push path on the real host: an import lands, the hub delivers a snapshot that counts it to the <c>snapshot</c> topic.</summary>
public sealed class MetricsHubTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new(new Dictionary<string, string?> { ["Aggregation:TickMs"] = "100", ["Aggregation:ThrottleMs"] = "50" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private string Dump(int probes)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var lines = new List<string>
        {
            "PRAGMA defer_foreign_keys=TRUE;",
            "CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, source TEXT, event_type TEXT, policy_tier TEXT, status TEXT, duration_ms REAL);",
        };
        lines.AddRange(Enumerable.Range(0, probes).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"INSERT INTO \"ops_events\" (\"id\",\"occurred_at\",\"source\",\"event_type\",\"policy_tier\",\"status\",\"duration_ms\") VALUES('hub{i}',{now - (i * 1000)},'probe','probe','pro','{(i == 0 ? "error" : "ok")}',12.5);")));
        var path = Path.Combine(_app.Directory, $"export-{probes}.sql");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task A_client_subscribed_to_the_snapshot_gets_the_current_one_and_a_new_one_after_an_import()
    {
        var received = Channel.CreateUnbounded<Snapshot>();
        await using var connection = await _app.CreateHubConnectionAsAsync(VibeDashboard.Operations.Access.DashboardRole.Viewer, MetricsHub.Path);
        connection.On<Snapshot>(nameof(IMetricsClient.Snapshot), s => received.Writer.TryWrite(s));
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var state = Assert.Single(await connection.InvokeAsync<IReadOnlyList<TopicMessage>>(nameof(MetricsHub.Subscribe), new[] { HubTopics.Snapshot }, timeout.Token));
        Assert.Equal((HubTopics.Snapshot, true), (state.Topic, state.Full));
        var first = state.Snapshot!;
        Assert.Equal(first.Version, state.Version);
        var importer = _app.Services.GetRequiredService<Importer>();
        Assert.True((await importer.ImportFileAsync(Dump(7), timeout.Token)).Succeeded);

        Snapshot latest;
        do
        {
            latest = await received.Reader.ReadAsync(timeout.Token);
        }
        while (latest.Metric(MetricKeys.Availability, "5m")?.Count != 7);

        Assert.True(latest.Version > first.Version);
        var availability = latest.Metric(MetricKeys.Availability, "5m", "pro")!;
        Assert.Equal(6.0 / 7, availability.Value!.Value, 9);
        Assert.Equal(AlertState.Ok, latest.Slo("availability")!.Alert);
    }

    [Fact]
    public async Task Api_snapshot_has_the_documented_shape()
    {
        var importer = _app.Services.GetRequiredService<Importer>();
        var client = await _app.CreateClientAsAsync(VibeDashboard.Operations.Access.DashboardRole.Viewer);
        Assert.True((await importer.ImportFileAsync(Dump(3))).Succeeded);
        var feed = _app.Services.GetRequiredService<IMetricsFeed>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (feed.Current.Metric(MetricKeys.Availability, "5m")?.Count != 3)
        {
            await Task.Delay(50, timeout.Token);
        }

        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/snapshot"));
        var root = json.RootElement;
        Assert.True(root.GetProperty("version").GetInt64() > 0);
        Assert.Equal(JsonValueKind.String, root.GetProperty("generatedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, root.GetProperty("dataAsOf").ValueKind);
        Assert.False(root.GetProperty("demo").GetBoolean());
        var metric = root.GetProperty("metrics").EnumerateArray().First(m => m.GetProperty("key").GetString() == "availability"
            && m.GetProperty("window").GetString() == "5m" && m.GetProperty("tier").ValueKind == JsonValueKind.Null);
        Assert.Equal(3, metric.GetProperty("count").GetInt64());
        foreach (var name in new[] { "value", "p50", "p95", "p99" })
        {
            Assert.True(metric.TryGetProperty(name, out _), name);
        }

        var slo = root.GetProperty("slos").EnumerateArray().First(s => s.GetProperty("key").GetString() == "availability");
        Assert.Equal(0.999, slo.GetProperty("objective").GetDouble());
        Assert.Equal(["5m", "30m", "1h", "2h", "6h", "1d", "3d"], slo.GetProperty("burnRates").EnumerateObject().Select(p => p.Name));
        Assert.Equal("ok", slo.GetProperty("alert").GetString());
        Assert.True(slo.TryGetProperty("sli", out _) && slo.TryGetProperty("budgetRemaining", out _));
    }
}

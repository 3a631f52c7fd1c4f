using System.Threading.Channels;
using Dapper;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Hubs;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary>A store holding Infinity and overflowing sums must not drop the hub's clients.</summary>
public sealed class MetricsHubResilienceTests
{
    [Fact]
    public async Task Clients_stay_connected_and_get_snapshots_when_the_store_holds_infinite_and_overflowing_values()
    {
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Aggregation:ThrottleMs"] = "0" });
        var received = Channel.CreateUnbounded<Snapshot>();
        await using var connection = await app.CreateHubConnectionAsAsync(VibeDashboard.Operations.Access.DashboardRole.Viewer, MetricsHub.Path);
        connection.On<Snapshot>(nameof(IMetricsClient.Snapshot), s => received.Writer.TryWrite(s));
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await connection.InvokeAsync<IReadOnlyList<TopicMessage>>(nameof(MetricsHub.Subscribe), new[] { HubTopics.Snapshot }, timeout.Token);

        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        await using (var db = new SqliteConnection($"Data Source={app.StorePath};Pooling=False"))
        {
            await db.ExecuteAsync($"""
                INSERT INTO ops_events (id, occurred_at, event_type, duration_ms) VALUES ('inf', {now - 60_000}, 'deployment_completed', 1e999);
                INSERT INTO ops_events (id, occurred_at, event_type, cost_usd) VALUES ('c1', {now - 50_000}, 'llm_call', 1e308);
                INSERT INTO ops_events (id, occurred_at, event_type, cost_usd) VALUES ('c2', {now - 40_000}, 'llm_call', 1e308);
                INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('ok', {now - 30_000}, 'probe', 'ok');
                """);
        }

        await app.Services.GetRequiredService<MetricsAggregator>().TickAsync(timeout.Token);

        Snapshot latest;
        do
        {
            latest = await received.Reader.ReadAsync(timeout.Token);
        }
        while (latest.SkippedValues < 3);

        Assert.Equal(HubConnectionState.Connected, connection.State);
        Assert.Equal(1, latest.Metric(MetricKeys.Availability, "1h")!.Count);
    }
}

using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary>What the topic tests share: events written straight into the store, a tick, and hub clients of either protocol.</summary>
internal static class HubTopicFixtures
{
    private static int _next;

    /// <summary>Writes <paramref name="count"/> probes of the <c>pro</c> tier a few seconds old and ticks: availability moves, nothing else.</summary>
    public static async Task ProbesAsync(DashboardAppFactory app, int count = 1, string status = "ok")
    {
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        await using (var db = new SqliteConnection($"Data Source={app.StorePath};Pooling=False"))
        {
            for (var i = 0; i < count; i++)
            {
                var id = "probe" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
                await db.ExecuteAsync("INSERT INTO ops_events (id, occurred_at, source, event_type, policy_tier, status) VALUES (@id, @at, 'probe', 'probe', 'pro', @status)",
                    new { id, at = now - 5_000, status });
            }
        }

        await app.Services.GetRequiredService<MetricsAggregator>().TickAsync();
    }

    /// <summary>A viewer's connection over the test server (long polling), JSON or MessagePack.</summary>
    public static async Task<HubConnection> ConnectAsync(DashboardAppFactory app, bool messagePack = false)
    {
        var token = await app.CreateTokenAsync(DashboardRole.Viewer);
        var server = app.Server;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, MetricsHub.Path), o =>
        {
            o.HttpMessageHandlerFactory = _ => server.CreateHandler();
            o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder.Build();
    }

    public static Task<IReadOnlyList<TopicMessage>> SubscribeAsync(this HubConnection connection, CancellationToken cancellationToken, params string[] topics) =>
        connection.InvokeAsync<IReadOnlyList<TopicMessage>>(nameof(MetricsHub.Subscribe), topics, cancellationToken);

    public static Task<IReadOnlyList<TopicMessage>> StateAsync(this HubConnection connection, CancellationToken cancellationToken, params string[] topics) =>
        connection.InvokeAsync<IReadOnlyList<TopicMessage>>(nameof(MetricsHub.State), topics, cancellationToken);
}

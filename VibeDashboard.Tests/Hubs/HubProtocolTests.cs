using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Rollouts;

namespace VibeDashboard.Tests.Hubs;

/// <summary>
/// A JSON client and a MessagePack client of the same hub receive the same data: every topic's state and changes,
/// with their instants, enums, nullable numbers and nested records, and the whole snapshot.
/// </summary>
public sealed class HubProtocolTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new(new Dictionary<string, string?> { ["Aggregation:ThrottleMs"] = "0" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Json_and_MessagePack_clients_receive_the_same_states_changes_and_snapshots()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pipeline = _app.Services.GetRequiredService<ICommandPipeline>();
        var declared = await pipeline.SendAsync(new DeclareIncidentCommand(IncidentClass.ProviderOutage, "OpenAI 5xx", Severity.Sev2, "openai"), Actor.System("tests"));
        Assert.True(declared.Succeeded, declared.Error);
        var admin = new Actor("ada@example.com", ActorKind.User, DashboardRole.Admin);
        var created = (await pipeline.SendAsync(new CreateRolloutCommand(RolloutHarness.Definition()), admin)).Value!;
        var started = await pipeline.SendAsync(new RolloutControlCommand(created.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = created.Version, Reason = "by hand" }, admin);
        Assert.True(started.Succeeded, started.Error);
        await LlmCallAsync();

        string[] topics = [.. HubTopics.Fixed, HubTopics.Metric(MetricKeys.Availability)];
        var json = await ClientAsync(messagePack: false);
        var messagePack = await ClientAsync(messagePack: true);
        var jsonStates = await json.Connection.SubscribeAsync(timeout.Token, topics);
        var messagePackStates = await messagePack.Connection.SubscribeAsync(timeout.Token, topics);
        // The rollout's check loop may move a version between the two reads: compare two reads of the same versions.
        while (!jsonStates.Select(s => s.Version).SequenceEqual(messagePackStates.Select(s => s.Version)))
        {
            jsonStates = await json.Connection.StateAsync(timeout.Token, topics);
            messagePackStates = await messagePack.Connection.StateAsync(timeout.Token, topics);
        }

        Assert.Equal(Json(jsonStates), Json(messagePackStates));
        var snapshot = jsonStates.Single(s => s.Topic == HubTopics.Snapshot).Snapshot!;
        Assert.NotEmpty(snapshot.Providers);
        Assert.Equal(Severity.Sev2, Assert.Single(jsonStates.Single(s => s.Topic == HubTopics.Incidents).Incidents!).Severity);
        Assert.NotNull(jsonStates.Single(s => s.Topic == HubTopics.Rollouts).Rollouts![0].LastLineAt);

        await HubTopicFixtures.ProbesAsync(_app, 2, status: "error");
        var version = _app.Services.GetRequiredService<IMetricsFeed>().Current.Version;
        foreach (var client in new[] { json, messagePack })
        {
            // The wall's change is the last one a snapshot makes.
            while (!client.Snapshots.ContainsKey(version) || !client.Changes.ContainsKey(HubTopics.Wall + " " + (jsonStates.Single(s => s.Topic == HubTopics.Wall).Version + 1)))
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        Assert.Equal(Json(json.Snapshots[version]), Json(messagePack.Snapshots[version]));
        var both = json.Changes.Keys.Intersect(messagePack.Changes.Keys).ToList();
        Assert.Contains(both, k => k.StartsWith(HubTopics.Slos + " ", StringComparison.Ordinal));
        Assert.Contains(both, k => k.StartsWith(HubTopics.Wall + " ", StringComparison.Ordinal));
        Assert.All(both, k => Assert.Equal(Json(json.Changes[k]), Json(messagePack.Changes[k])));
        Assert.Contains(both, k => k.StartsWith(HubTopics.Metric(MetricKeys.Availability) + " ", StringComparison.Ordinal));

        await json.Connection.DisposeAsync();
        await messagePack.Connection.DisposeAsync();
    }

    private async Task<Client> ClientAsync(bool messagePack)
    {
        var client = new Client(await HubTopicFixtures.ConnectAsync(_app, messagePack));
        client.Connection.On<TopicMessage>(nameof(IMetricsClient.Changed), m => client.Changes[m.Topic + " " + m.Version.ToString(CultureInfo.InvariantCulture)] = m);
        client.Connection.On<Snapshot>(nameof(IMetricsClient.Snapshot), s => client.Snapshots[s.Version] = s);
        await client.Connection.StartAsync();
        return client;
    }

    /// <summary>An llm_call, so the snapshot's per-provider rows (init-only, outside the record's constructor) are not empty.</summary>
    private async Task LlmCallAsync()
    {
        var now = _app.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        await using (var db = new SqliteConnection($"Data Source={_app.StorePath};Pooling=False"))
        {
            await db.ExecuteAsync("INSERT INTO ops_events (id, occurred_at, source, event_type, policy_tier, status, duration_ms, cost_usd, provider, model) VALUES ('llm1', @at, 'ai_gateway', 'llm_call', 'pro', 'ok', 812.5, 0.0125, 'openai', 'gpt-4o')",
                new { at = now - 10_000 });
        }

        await _app.Services.GetRequiredService<MetricsAggregator>().TickAsync();
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private sealed record Client(HubConnection Connection)
    {
        public ConcurrentDictionary<string, TopicMessage> Changes { get; } = new();

        public ConcurrentDictionary<long, Snapshot> Snapshots { get; } = new();
    }
}

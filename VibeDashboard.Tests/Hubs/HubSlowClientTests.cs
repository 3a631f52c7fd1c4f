using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary>
/// A client that stops reading must not delay anyone else: its buffer is bounded, it loses messages once it is full,
/// and the version gap it then sees is what tells it to fetch the full state.
/// </summary>
public sealed class HubSlowClientTests : IAsyncLifetime
{
    private const char RecordSeparator = '\u001e';

    private readonly DashboardAppFactory _app = new(new Dictionary<string, string?> { ["Aggregation:ThrottleMs"] = "0" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_client_that_stops_reading_loses_messages_while_the_others_get_every_one_at_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // The stalled client: a raw long-polling connection (the JSON protocol by hand) that subscribes, then never polls.
        using var http = await _app.CreateClientAsAsync(DashboardRole.Viewer);
        var negotiated = await (await http.PostAsync(MetricsHub.Path + "/negotiate?negotiateVersion=1", null, timeout.Token)).Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
        var url = MetricsHub.Path + "?id=" + Uri.EscapeDataString(negotiated.GetProperty("connectionToken").GetString()!);
        await SendAsync(http, url, """{"protocol":"json","version":1}""", timeout.Token);
        await SendAsync(http, url, """{"type":1,"invocationId":"1","target":"Subscribe","arguments":[["snapshot","wall"]]}""", timeout.Token);
        var stalled = new List<JsonElement>();
        while (!stalled.Any(m => m.GetProperty("type").GetInt32() == 3))
        {
            stalled.AddRange(await PollAsync(http, url, timeout.Token));
        }

        var changes = Channel.CreateUnbounded<TopicMessage>();
        await using var reader = await HubTopicFixtures.ConnectAsync(_app);
        reader.On<TopicMessage>(nameof(IMetricsClient.Changed), m => changes.Writer.TryWrite(m));
        await reader.StartAsync();
        var held = Assert.Single(await reader.SubscribeAsync(timeout.Token, HubTopics.Wall)).Version;

        // Each round makes a new snapshot (a whole one queues for the stalled client) and a wall change; the reading
        // client gets each before the next round starts, long after the stalled one's buffer is full.
        const int rounds = 60;
        for (var round = 0; round < rounds; round++)
        {
            await HubTopicFixtures.ProbesAsync(_app);
            var change = await changes.Reader.ReadAsync(timeout.Token);
            Assert.Equal(held, change.Previous);
            held = change.Version;
        }

        // The stalled client reads again, and the rounds go on until a change reaches it: then it sees the gap.
        var seen = Channel.CreateUnbounded<long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var polling = PollChangesAsync(http, url, seen.Writer, stop.Token);
        var versions = new List<long>();
        do
        {
            await HubTopicFixtures.ProbesAsync(_app);
            held = (await changes.Reader.ReadAsync(timeout.Token)).Version;
            using var round = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            round.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                while (versions.LastOrDefault() < held)
                {
                    versions.Add(await seen.Reader.ReadAsync(round.Token));
                }
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
                // Its backlog was still draining when this round's change was written: another round.
            }
        }
        while (versions.LastOrDefault() < held);

        await stop.CancelAsync();
        await polling;
        Assert.True(versions.Count <= held - versions[0], $"the stalled client got all {versions.Count} wall changes: nothing was bounded");
        Assert.Contains(versions.Zip(versions.Skip(1)), p => p.Second != p.First + 1);
    }

    /// <summary>Polls until stopped, writing the version of each wall change received.</summary>
    private static async Task PollChangesAsync(HttpClient http, string url, ChannelWriter<long> seen, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                foreach (var m in await PollAsync(http, url, cancellationToken))
                {
                    if (m.GetProperty("type").GetInt32() == 1 && m.GetProperty("target").GetString() == nameof(IMetricsClient.Changed))
                    {
                        seen.TryWrite(m.GetProperty("arguments")[0].GetProperty("version").GetInt64());
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task SendAsync(HttpClient http, string url, string message, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(url, new StringContent(message + RecordSeparator, Encoding.UTF8, "text/plain"), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>One long poll: the messages waiting, parsed (the handshake's empty answer included).</summary>
    private static async Task<List<JsonElement>> PollAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(url, cancellationToken);
        return text.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(m => JsonDocument.Parse(m).RootElement)
            .Where(m => m.TryGetProperty("type", out _))
            .ToList();
    }
}

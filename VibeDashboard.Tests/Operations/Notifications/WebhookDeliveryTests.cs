using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Configuration;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;

namespace VibeDashboard.Tests.Operations.Notifications;

/// <summary>
/// The outbox and its dispatcher against a real HTTP receiver: signed deliveries, retries with one delivery id,
/// order per aggregate, the circuit per endpoint, a restart in the middle of retries, dead letters and their retry.
/// The clock is fake; the dispatcher's loop is driven pass by pass.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Secret = "s3cret-for-tests";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private WebhookReceiver _receiver = null!;

    private string StorePath => Path.Combine(_directory, "store.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null, string format = "json", string? url = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:0:Name"] = "ops",
            ["Notifications:Webhooks:0:Url"] = url ?? _receiver.UrlFor("ops"),
            ["Notifications:Webhooks:0:Secret"] = Secret,
            ["Notifications:Webhooks:0:Events:0"] = "incident.*",
            ["Notifications:Webhooks:0:Format"] = format,
            ["Notifications:Webhooks:1:Name"] = "rollouts",
            ["Notifications:Webhooks:1:Url"] = _receiver.UrlFor("rollouts"),
            ["Notifications:Webhooks:1:Secret"] = "other",
            ["Notifications:Webhooks:1:Events:0"] = "rollout.*",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    private NotificationHarness Harness(Dictionary<string, string?>? extra = null, string format = "json", string? url = null) =>
        new(StorePath, _time, Settings(extra, format, url));

    private static TimeSpan MaxDelay => new NotificationOptions().RetryMaxDelay;

    [Fact]
    public async Task A_delivery_is_signed_with_the_secret_and_carries_its_event_and_delivery_id()
    {
        await using var harness = Harness();
        var outboxId = await harness.PublishAsync("incident.created", "incident:7", "provider outage: openai");

        // The command committed without touching the network: the row waits for the dispatcher.
        Assert.Empty(_receiver.Requests);
        var pending = Assert.Single(await harness.Deliveries.ListAsync());
        Assert.Equal(DeliveryStatus.Pending, pending.Status);
        Assert.Equal("ops", pending.Webhook);
        Assert.Equal(outboxId, pending.OutboxId);

        var outcomes = await harness.RunOnceAsync();

        Assert.Equal(DispatchKind.Delivered, Assert.Single(outcomes).Kind);
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("ops", request.Name);
        Assert.True(WebhookBody.Verify(Secret, request.Body, request.Header(WebhookBody.SignatureHeader)), request.Header(WebhookBody.SignatureHeader));
        Assert.False(WebhookBody.Verify("wrong secret", request.Body, request.Header(WebhookBody.SignatureHeader)));
        // Computed independently of the app's helper: HMAC-SHA256 of the exact body bytes, lower-case hex.
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), request.Body));
        Assert.Equal(expected, request.Header(WebhookBody.SignatureHeader));
        Assert.Equal("incident.created", request.Header(WebhookBody.EventHeader));
        Assert.Equal(pending.Id, request.Header(WebhookBody.DeliveryHeader));
        Assert.StartsWith("application/json", request.Header("Content-Type"));

        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("incident.created", body.RootElement.GetProperty("event").GetString());
        Assert.Equal(pending.Id, body.RootElement.GetProperty("delivery").GetString());
        Assert.Equal("2026-12-01T12:00:00.000Z", body.RootElement.GetProperty("time").GetString());
        Assert.Equal("incident:7", body.RootElement.GetProperty("aggregate").GetString());
        Assert.Equal("provider outage: openai", body.RootElement.GetProperty("data").GetProperty("message").GetString());

        var delivered = await harness.Deliveries.GetAsync(pending.Id);
        Assert.Equal(DeliveryStatus.Delivered, delivered!.Status);
        Assert.Equal(1, delivered.Attempts);
        Assert.Equal(200, delivered.LastStatus);
        Assert.Equal(_time.GetUtcNow(), delivered.DeliveredAt);
        Assert.Empty(await harness.RunOnceAsync());
    }

    [Fact]
    public async Task Only_matching_webhooks_get_a_delivery_and_a_refused_command_leaves_no_outbox_row()
    {
        await using var harness = Harness();
        await harness.PublishAsync("rollout.started", "rollout:3");
        await harness.PublishAsync("incident.created", "incident:1", fail: true);
        await harness.PublishAsync("audit.verified", "audit:1");

        Assert.Equal(2L, await harness.ScalarAsync("SELECT COUNT(*) FROM _vd_outbox"));
        var delivery = Assert.Single(await harness.Deliveries.ListAsync());
        Assert.Equal("rollouts", delivery.Webhook);
        Assert.Equal("rollout.started", delivery.Event);
        Assert.Empty(await harness.Deliveries.ListAsync(new DeliveryQuery(Webhook: "ops")));
        Assert.Single(await harness.Deliveries.ListAsync(new DeliveryQuery(DeliveryStatus.Pending, "rollouts")));
        Assert.Equal(1, (await harness.Deliveries.CountsAsync())[DeliveryStatus.Pending]);
    }

    [Fact]
    public async Task A_slack_webhook_gets_a_text_body()
    {
        await using var harness = Harness(format: "slack");
        await harness.PublishAsync("incident.updated", "incident:7", "mitigated");

        await harness.RunOnceAsync();

        var request = Assert.Single(_receiver.For("ops"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("[incident.updated] incident:7: mitigated (sev2)", body.RootElement.GetProperty("text").GetString());
        Assert.Single(body.RootElement.EnumerateObject());
        Assert.True(WebhookBody.Verify(Secret, request.Body, request.Header(WebhookBody.SignatureHeader)));
    }

    [Fact]
    public async Task A_receiver_answering_500_twice_then_200_gets_three_attempts_with_one_delivery_id()
    {
        await using var harness = Harness();
        _receiver.Answer("ops", 500, 500);
        await harness.PublishAsync("incident.created", "incident:7");

        Assert.Equal(DispatchKind.Failed, Assert.Single(await harness.RunOnceAsync()).Kind);
        var first = Assert.Single(await harness.Deliveries.ListAsync());
        Assert.Equal(1, first.Attempts);
        Assert.Equal(500, first.LastStatus);
        Assert.Contains("HTTP 500", first.LastError);
        Assert.Contains("receiver says 500", first.LastError);
        // Jitter fixed at 0.5: base 10 s → 7.5 s.
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(7.5), first.NextAttemptAt);

        // Not due yet: nothing sent.
        _time.Advance(TimeSpan.FromSeconds(7));
        Assert.Empty(await harness.RunOnceAsync());
        Assert.Single(_receiver.Requests);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DispatchKind.Failed, Assert.Single(await harness.RunOnceAsync()).Kind);
        var second = await harness.Deliveries.GetAsync(first.Id);
        Assert.Equal(2, second!.Attempts);
        // Exponential: the second wait is twice the first (15 s with the fixed jitter).
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(15), second.NextAttemptAt);

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(DispatchKind.Delivered, Assert.Single(await harness.RunOnceAsync()).Kind);

        var requests = _receiver.For("ops");
        Assert.Equal([500, 500, 200], requests.Select(r => r.AnsweredStatus));
        Assert.All(requests, r => Assert.Equal(first.Id, r.Header(WebhookBody.DeliveryHeader)));
        // The same bytes and signature every time: a receiver may deduplicate on either.
        Assert.All(requests, r => Assert.Equal(requests[0].Body, r.Body));
        Assert.All(requests, r => Assert.True(WebhookBody.Verify(Secret, r.Body, r.Header(WebhookBody.SignatureHeader))));
        var done = await harness.Deliveries.GetAsync(first.Id);
        Assert.Equal(DeliveryStatus.Delivered, done!.Status);
        Assert.Equal(3, done.Attempts);
        Assert.Null(done.LastError);
        // Every attempt is kept for the Deliveries page, not only the last.
        Assert.Equal([(1L, (int?)500), (2L, 500), (3L, 200)], done.History.Select(a => (a.Attempt, a.Status)));
        Assert.Contains("receiver says 500", done.History[0].Error);
        Assert.Null(done.History[2].Error);
    }

    [Fact]
    public async Task Deliveries_of_one_aggregate_arrive_in_order_while_others_go_ahead()
    {
        await using var harness = Harness();
        _receiver.Answer("ops", 500);
        await harness.PublishAsync("incident.created", "incident:7", "7 created");
        await harness.PublishAsync("incident.updated", "incident:7", "7 updated");
        await harness.PublishAsync("incident.created", "incident:8", "8 created");

        var pass = await harness.RunOnceAsync();

        // 7's first event failed, so 7's second waits; 8 is another aggregate and goes ahead.
        Assert.Equal([DispatchKind.Failed, DispatchKind.Delivered], pass.Select(o => o.Kind));
        Assert.Equal(["7 created", "8 created"], _receiver.Requests.Select(Message));

        _time.Advance(MaxDelay);
        var next = await harness.RunOnceAsync();

        Assert.Equal([DispatchKind.Delivered, DispatchKind.Delivered], next.Select(o => o.Kind));
        Assert.Equal(["7 created", "8 created", "7 created", "7 updated"], _receiver.Requests.Select(Message));
        Assert.All(await harness.Deliveries.ListAsync(), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_no_request_reaches_the_receiver_while_it_is_open()
    {
        await using var harness = Harness(new()
        {
            ["Notifications:BreakerMinimumThroughput"] = "2",
            ["Notifications:BreakerFailureRatio"] = "0.5",
            ["Notifications:BreakerSamplingDuration"] = "00:01:00",
            ["Notifications:BreakerBreakDuration"] = "00:01:00",
        });
        _receiver.AnswerAlways("ops", 503);
        for (var i = 1; i <= 4; i++)
        {
            await harness.PublishAsync("incident.created", $"incident:{i}");
        }

        var pass = await harness.RunOnceAsync();

        Assert.Equal([DispatchKind.Failed, DispatchKind.Failed, DispatchKind.CircuitOpen, DispatchKind.CircuitOpen], pass.Select(o => o.Kind));
        Assert.Equal(2, _receiver.Requests.Count);
        var held = (await harness.Deliveries.ListAsync()).Where(d => d.Attempts == 0).ToList();
        Assert.Equal(2, held.Count);
        Assert.All(held, d => Assert.Contains("circuit open", d.LastError));

        // The failed two are due again within the break: still nothing is sent.
        _time.Advance(TimeSpan.FromSeconds(30));
        var whileOpen = await harness.RunOnceAsync();
        Assert.Equal(2, whileOpen.Count);
        Assert.All(whileOpen, o => Assert.Equal(DispatchKind.CircuitOpen, o.Kind));
        Assert.Equal(2, _receiver.Requests.Count);

        // After the break one trial goes through; it fails, and the circuit opens again.
        _time.Advance(TimeSpan.FromSeconds(31));
        var trial = await harness.RunOnceAsync();
        Assert.Equal(1, trial.Count(o => o.Kind == DispatchKind.Failed));
        Assert.Equal(3, _receiver.Requests.Count);

        // The receiver recovers: the next trial closes the circuit and everything is delivered.
        _receiver.ClearAnswers("ops");
        for (var i = 0; i < 5 && (await harness.Deliveries.ListAsync(new DeliveryQuery(DeliveryStatus.Pending))).Count > 0; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(61));
            await harness.RunOnceAsync();
        }

        Assert.All(await harness.Deliveries.ListAsync(), d => Assert.Equal(DeliveryStatus.Delivered, d.Status));
        Assert.Equal(3 + 4, _receiver.Requests.Count);
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_retries_continues_with_the_same_delivery_id()
    {
        _receiver.Answer("ops", 500, 502);
        string id;
        await using (var before = Harness())
        {
            await before.PublishAsync("incident.created", "incident:7");
            await before.RunOnceAsync();
            _time.Advance(MaxDelay);
            await before.RunOnceAsync();
            id = Assert.Single(await before.Deliveries.ListAsync()).Id;
        }

        _time.Advance(MaxDelay);
        await using var after = Harness();
        var outcome = Assert.Single(await after.RunOnceAsync());

        Assert.Equal(DispatchKind.Delivered, outcome.Kind);
        Assert.Equal(id, outcome.DeliveryId);
        Assert.Equal([500, 502, 200], _receiver.Requests.Select(r => r.AnsweredStatus));
        Assert.All(_receiver.Requests, r => Assert.Equal(id, r.Header(WebhookBody.DeliveryHeader)));
        var delivery = await after.Deliveries.GetAsync(id);
        Assert.Equal(3, delivery!.Attempts);
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
    }

    [Fact]
    public async Task Past_GiveUpAfter_a_delivery_is_dead_and_an_admin_can_retry_it()
    {
        await using var harness = Harness(new()
        {
            ["Notifications:GiveUpAfter"] = "00:10:00",
            ["Notifications:RetryBaseDelay"] = "00:01:00",
            ["Notifications:RetryMaxDelay"] = "00:04:00",
        });
        _receiver.AnswerAlways("ops", 500);
        await harness.PublishAsync("incident.created", "incident:7");
        var deadline = _time.GetUtcNow() + TimeSpan.FromMinutes(10);

        var kinds = new List<DispatchKind>();
        for (var i = 0; i < 20 && !kinds.Contains(DispatchKind.Dead); i++)
        {
            kinds.AddRange((await harness.RunOnceAsync()).Select(o => o.Kind));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var dead = Assert.Single(await harness.Deliveries.ListAsync(new DeliveryQuery(DeliveryStatus.Dead)));
        Assert.Equal(DispatchKind.Dead, kinds[^1]);
        Assert.All(kinds[..^1], k => Assert.Equal(DispatchKind.Failed, k));
        // The last attempt is at the deadline itself, not before it.
        Assert.Equal(deadline, dead.LastAttemptAt);
        Assert.Equal(kinds.Count, dead.Attempts);
        Assert.Equal(_receiver.Requests.Count, dead.Attempts);
        Assert.Equal(500, dead.LastStatus);
        Assert.Contains("HTTP 500", dead.LastError);

        // Dead stays dead: no more requests.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await harness.RunOnceAsync());
        Assert.Equal(dead.Attempts, _receiver.Requests.Count);
        Assert.Equal(1, (await harness.Deliveries.CountsAsync())[DeliveryStatus.Dead]);

        // Retrying is an admin's command, audited; the delivery keeps its id.
        var denied = await harness.Pipeline.SendAsync(new RetryDeliveryCommand(dead.Id), NotificationHarness.Operator);
        Assert.Equal(CommandOutcome.Denied, denied.Outcome);
        var retried = await harness.Pipeline.SendAsync(new RetryDeliveryCommand(dead.Id), NotificationHarness.Admin);
        Assert.True(retried.Succeeded, retried.Error);
        Assert.Equal(DeliveryStatus.Pending, retried.Value!.Status);
        Assert.Equal(1L, await harness.ScalarAsync("SELECT COUNT(*) FROM _vd_audit WHERE action = 'delivery.retry' AND outcome = 'ok'"));
        var again = await harness.Pipeline.SendAsync(new RetryDeliveryCommand(dead.Id), NotificationHarness.Admin);
        Assert.Equal(CommandOutcome.Invalid, again.Outcome);

        _receiver.ClearAnswers("ops");
        Assert.Equal(DispatchKind.Delivered, Assert.Single(await harness.RunOnceAsync()).Kind);
        Assert.Equal(dead.Id, _receiver.Requests[^1].Header(WebhookBody.DeliveryHeader));
        Assert.Equal(DeliveryStatus.Delivered, (await harness.Deliveries.GetAsync(dead.Id))!.Status);
    }

    [Fact]
    public async Task A_refused_connection_is_a_failed_attempt_with_its_error()
    {
        // A port that was just free: nothing listens there.
        await using var gone = await WebhookReceiver.StartAsync();
        var url = gone.UrlFor("ops");
        await gone.DisposeAsync();
        await using var harness = Harness(url: url);
        await harness.PublishAsync("incident.created", "incident:7");

        var outcome = Assert.Single(await harness.RunOnceAsync());

        Assert.Equal(DispatchKind.Failed, outcome.Kind);
        var delivery = Assert.Single(await harness.Deliveries.ListAsync());
        Assert.Equal(1, delivery.Attempts);
        Assert.Null(delivery.LastStatus);
        Assert.False(string.IsNullOrEmpty(delivery.LastError));
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_a_failed_attempt()
    {
        // Long enough that the retry's real answer arrives in time on a loaded machine; the hang still times out.
        await using var harness = Harness(new() { ["Notifications:RequestTimeout"] = "00:00:02" });
        _receiver.Answer("ops", WebhookReceiver.Hang);
        await harness.PublishAsync("incident.created", "incident:7");

        var outcome = Assert.Single(await harness.RunOnceAsync());

        Assert.Equal(DispatchKind.Failed, outcome.Kind);
        var delivery = Assert.Single(await harness.Deliveries.ListAsync());
        Assert.Equal(1, delivery.Attempts);
        Assert.Null(delivery.LastStatus);
        Assert.Contains("no answer within", delivery.LastError);
        _time.Advance(MaxDelay);
        Assert.Equal(DispatchKind.Delivered, Assert.Single(await harness.RunOnceAsync()).Kind);
    }

    [Fact]
    public async Task A_receiver_trickling_a_huge_error_body_holds_the_pass_no_longer_than_the_timeout_and_others_still_get_theirs()
    {
        await using var harness = Harness(new()
        {
            ["Notifications:RequestTimeout"] = "00:00:01",
            ["Notifications:Webhooks:1:Name"] = "chat",
            ["Notifications:Webhooks:1:Url"] = _receiver.UrlFor("chat"),
            ["Notifications:Webhooks:1:Events:0"] = "incident.*",
        });
        _receiver.Answer("ops", WebhookReceiver.Trickle);
        await harness.PublishAsync("incident.created", "incident:7");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = await harness.RunOnceAsync();

        // Both deliveries were tried in the one pass: the trickling receiver did not hold the other webhook's.
        Assert.Equal(DispatchKind.Failed, outcomes.Single(o => o.Webhook == "ops").Kind);
        Assert.Equal(DispatchKind.Delivered, outcomes.Single(o => o.Webhook == "chat").Kind);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"the pass took {started.Elapsed}");
        var failed = (await harness.Deliveries.ListAsync()).Single(d => d.Webhook == "ops");
        Assert.Equal(500, failed.LastStatus);
        Assert.True(failed.LastError!.Length < 400, $"the error keeps {failed.LastError.Length} characters");
    }

    [Fact]
    public async Task A_redirect_is_a_failed_attempt_and_is_not_followed()
    {
        await using var harness = Harness();
        _receiver.Answer("ops", 302);
        await harness.PublishAsync("incident.created", "incident:7");

        Assert.Equal(DispatchKind.Failed, Assert.Single(await harness.RunOnceAsync()).Kind);

        var delivery = Assert.Single(await harness.Deliveries.ListAsync());
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(302, delivery.LastStatus);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task A_delivery_to_a_webhook_no_longer_configured_goes_dead()
    {
        await using (var before = Harness())
        {
            _receiver.Answer("ops", 500);
            await before.PublishAsync("incident.created", "incident:7");
            await before.RunOnceAsync();
        }

        _time.Advance(MaxDelay);
        await using var after = Harness(new() { ["Notifications:Webhooks:0:Name"] = "renamed" });
        Assert.Equal(DispatchKind.Dead, Assert.Single(await after.RunOnceAsync()).Kind);
        var dead = Assert.Single(await after.Deliveries.ListAsync());
        Assert.Equal(DeliveryStatus.Dead, dead.Status);
        Assert.Contains("no longer configured", dead.LastError);
        Assert.Equal(1, dead.Attempts);
    }

    [Fact]
    public async Task The_hosted_dispatcher_delivers_as_soon_as_a_command_commits()
    {
        await using var harness = Harness();
        using var stop = new CancellationTokenSource();
        await harness.Dispatcher.StartAsync(stop.Token);
        try
        {
            await harness.PublishAsync("incident.created", "incident:7");

            // The fake clock never moves: only the commit's signal can have woken the loop.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (_receiver.Requests.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            Assert.Single(_receiver.Requests);
        }
        finally
        {
            await harness.Dispatcher.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("Notifications:Webhooks:0:Url", "not a url", "Notifications:Webhooks:0:Url 'not a url'")]
    [InlineData("Notifications:Webhooks:0:Url", "ftp://example.com/x", "Notifications:Webhooks:0:Url 'ftp://example.com/x'")]
    [InlineData("Notifications:Webhooks:0:Name", "", "Notifications:Webhooks:0:Name is empty")]
    [InlineData("Notifications:Webhooks:0:Secret", "", "Notifications:Webhooks:0:Secret is empty")]
    [InlineData("Notifications:Webhooks:0:Events:0", "Incident.*", "Notifications:Webhooks:0:Events:0 'Incident.*'")]
    [InlineData("Notifications:Webhooks:1:Name", "OPS", "Notifications:Webhooks:1:Name 'OPS' is used by another webhook")]
    [InlineData("Notifications:RetryMaxDelay", "00:00:01", "Notifications:RetryMaxDelay")]
    [InlineData("Notifications:BreakerFailureRatio", "1.5", "Notifications:BreakerFailureRatio")]
    public void Bad_configuration_stops_the_start_naming_its_key(string key, string value, string expected)
    {
        var settings = Settings(new() { [key] = value });
        var services = new ServiceCollection();
        services.AddVibeDashboardNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationOptions>>().Value);

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_sample_configuration_is_valid()
    {
        var services = new ServiceCollection();
        services.AddVibeDashboardNotifications(new ConfigurationBuilder().AddInMemoryCollection(Settings()).Build());
        using var provider = services.BuildServiceProvider();
        Assert.Equal(2, provider.GetRequiredService<IOptions<NotificationOptions>>().Value.Webhooks.Count);
    }

    [Theory]
    [InlineData("incident.*", "incident.created", true)]
    [InlineData("incident.*", "incident.status.updated", true)]
    [InlineData("incident.*", "incidents.created", false)]
    [InlineData("incident.*", "rollout.started", false)]
    [InlineData("incident.resolved", "incident.resolved", true)]
    [InlineData("incident.resolved", "incident.resolved.again", false)]
    [InlineData("*", "rollout.started", true)]
    public void Event_patterns(string pattern, string @event, bool matches) => Assert.Equal(matches, EventPattern.Matches(pattern, @event));

    private static string Message(ReceivedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("data").GetProperty("message").GetString()!;
    }

    [Fact]
    public void A_slack_message_shows_people_s_text_as_text_no_channel_pings_or_disguised_links()
    {
        var body = WebhookBody.Build(WebhookFormat.Slack, Guid.NewGuid().ToString(), "rollout.paused", "rollout:ro-1", DateTimeOffset.UnixEpoch, "{}",
            "<!channel> paused: see <https://evil.example|the runbook> & wait");
        var text = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("text").GetString();
        Assert.Equal("[rollout.paused] rollout:ro-1: &lt;!channel&gt; paused: see &lt;https://evil.example|the runbook&gt; &amp; wait", text);
    }
}

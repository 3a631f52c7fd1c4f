using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Notifications;

/// <summary>
/// Delivers the outbox. Each pass takes the due pending deliveries — skipping one while an older delivery of the
/// same aggregate to the same webhook is still pending, so a receiver sees an incident's events in order — and
/// POSTs each, signed, to its webhook. A 2xx marks it delivered; anything else (another status, a timeout, a refused
/// connection) schedules a retry with jittered exponential backoff (<see cref="RetrySchedule"/>) until its deadline
/// (<c>GiveUpAfter</c> after the event), when it goes dead. A circuit breaker per endpoint (Polly) stops sending to a
/// receiver that keeps failing; deliveries it holds back are rescheduled without counting an attempt.
/// </summary>
/// <remarks>
/// All state is in <c>_vd_deliveries</c>: a restart loses nothing, and a delivery interrupted mid-POST is sent again
/// (at least once; receivers deduplicate on <c>X-VibeDashboard-Delivery</c>). One dispatcher per store is assumed
/// (the web host runs it; the CLI does not). A pass runs after every committed command and every
/// <c>PollInterval</c>; tests call <see cref="RunOnceAsync"/> with a fake clock instead of starting the service.
/// </remarks>
public sealed class WebhookDispatcher : BackgroundService
{
    public const string HttpClientName = "VibeDashboard.Webhooks";

    private readonly SqliteConnectionFactory _connections;
    private readonly StoreSchema _schema;
    private readonly IHttpClientFactory _clients;
    private readonly IOptions<NotificationOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _breakers = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly IDisposable _subscription;

    public WebhookDispatcher(
        SqliteConnectionFactory connections,
        StoreSchema schema,
        IHttpClientFactory clients,
        IOptions<NotificationOptions> options,
        TimeProvider time,
        ICommandPipeline pipeline,
        ILogger<WebhookDispatcher> logger)
    {
        _connections = connections;
        _schema = schema;
        _clients = clients;
        _options = options;
        _time = time;
        _logger = logger;
        // Signal, then pull: a committed command may have written to the outbox; the signal carries nothing.
        _subscription = pipeline.Subscribe(() =>
        {
            _wake.Writer.TryWrite(true);
            return Task.CompletedTask;
        });
    }

    /// <summary>The jitter's source, in [0, 1); tests may fix it.</summary>
    internal Func<double> Jitter { get; set; } = Random.Shared.NextDouble;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store may be busy or briefly unavailable; the next pass tries again, nothing is lost.
                _logger.LogWarning(e, "A webhook dispatch pass failed");
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(_options.Value.PollInterval, _time, wait.Token);
            var wake = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
            await Task.WhenAny(delay, wake);
            await wait.CancelAsync();
            _wake.Reader.TryRead(out _);
        }
    }

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// One pass: sends every due delivery, again while deliveries succeed (a delivered event releases the next of its
    /// aggregate). Webhooks are served side by side, each one's deliveries one after another. Returns the outcome of
    /// each delivery it looked at, in order.
    /// </summary>
    public async Task<IReadOnlyList<DispatchOutcome>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _schema.EnsureCreatedAsync(cancellationToken);
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var outcomes = new List<DispatchOutcome>();
            for (var round = 0; round < 1000; round++)
            {
                var due = await DueAsync(cancellationToken);
                if (due.Count == 0)
                {
                    break;
                }

                var groups = due.GroupBy(d => d.Webhook, StringComparer.Ordinal)
                    .Select(g => DeliverAllAsync(g.ToList(), cancellationToken));
                var results = (await Task.WhenAll(groups)).SelectMany(r => r).ToList();
                outcomes.AddRange(results);
                if (!results.Any(r => r.Kind == DispatchKind.Delivered))
                {
                    break;
                }
            }

            return outcomes;
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<List<DispatchOutcome>> DeliverAllAsync(List<DueDelivery> deliveries, CancellationToken cancellationToken)
    {
        var outcomes = new List<DispatchOutcome>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            outcomes.Add(await DeliverAsync(delivery, cancellationToken));
        }

        return outcomes;
    }

    private const string DueSql = """
        SELECT d.id AS Id, d.webhook AS Webhook, d.event AS Event, d.aggregate AS Aggregate, d.attempts AS Attempts,
               d.deadline_at AS DeadlineAtMs, o.payload_json AS PayloadJson, o.summary AS Summary, o.created_at AS CreatedAtMs
        FROM _vd_deliveries d JOIN _vd_outbox o ON o.id = d.outbox_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= @now
          AND NOT EXISTS (
              SELECT 1 FROM _vd_deliveries e
              WHERE e.webhook = d.webhook AND e.aggregate = d.aggregate AND e.status = 'pending' AND e.outbox_id < d.outbox_id)
        ORDER BY d.outbox_id, d.webhook
        LIMIT @limit
        """;

    private async Task<List<DueDelivery>> DueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DueDelivery>(new CommandDefinition(DueSql, new
        {
            now = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            limit = _options.Value.BatchSize,
        }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    private async Task<DispatchOutcome> DeliverAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var hook = options.Webhooks.FirstOrDefault(w => string.Equals(w.Name, delivery.Webhook, StringComparison.OrdinalIgnoreCase));
        var now = _time.GetUtcNow();
        if (hook is null)
        {
            await MarkAsync(delivery.Id, DeliveryStatus.Dead, delivery.Attempts, now, null,
                $"webhook '{delivery.Webhook}' is no longer configured (Notifications:Webhooks)", null, cancellationToken, keepLast: true);
            return new DispatchOutcome(delivery.Id, delivery.Webhook, DispatchKind.Dead, null, "webhook not configured");
        }

        var body = WebhookBody.Build(hook.Format, delivery.Id, delivery.Event, delivery.Aggregate,
            DateTimeOffset.FromUnixTimeMilliseconds(delivery.CreatedAtMs), delivery.PayloadJson, delivery.Summary);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(delivery.DeadlineAtMs);
        int? status = null;
        string? error;
        try
        {
            using var response = await BreakerFor(hook.Url).ExecuteAsync(
                static async (state, ct) => await state.Self.SendAsync(state.Hook, state.Delivery, state.Body, ct),
                (Self: this, Hook: hook, Delivery: delivery, Body: body), cancellationToken);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await MarkAsync(delivery.Id, DeliveryStatus.Delivered, delivery.Attempts + 1, now, status, null, null, cancellationToken);
                return new DispatchOutcome(delivery.Id, hook.Name, DispatchKind.Delivered, status, null);
            }

            error = $"HTTP {status.Value.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}: {await ExcerptAsync(response, cancellationToken)}".TrimEnd(' ', ':');
        }
        catch (BrokenCircuitException open)
        {
            // Not sent: no attempt counted. Come back when the circuit may let a trial through.
            var retryAt = now + (open.RetryAfter ?? options.BreakerBreakDuration);
            var reason = $"circuit open for {hook.Url}: not sent";
            if (now >= deadline)
            {
                await MarkAsync(delivery.Id, DeliveryStatus.Dead, delivery.Attempts, now, null, reason, null, cancellationToken, keepLast: true);
                return new DispatchOutcome(delivery.Id, hook.Name, DispatchKind.Dead, null, reason);
            }

            await DeferAsync(delivery.Id, retryAt < deadline ? retryAt : deadline, reason, cancellationToken);
            return new DispatchOutcome(delivery.Id, hook.Name, DispatchKind.CircuitOpen, null, reason);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // shutting down: the delivery stays pending and is sent after the restart
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            error = e is OperationCanceledException ? $"no answer within {options.RequestTimeout}" : e.Message;
        }

        var attempts = delivery.Attempts + 1;
        var next = RetrySchedule.Next(now, deadline, RetrySchedule.Delay(attempts, options.RetryBaseDelay, options.RetryMaxDelay, Jitter()));
        if (next is null)
        {
            await MarkAsync(delivery.Id, DeliveryStatus.Dead, attempts, now, status, error, null, cancellationToken);
            _logger.LogWarning("Webhook delivery {Delivery} to {Webhook} is dead after {Attempts} attempts: {Error}", delivery.Id, hook.Name, attempts, error);
            return new DispatchOutcome(delivery.Id, hook.Name, DispatchKind.Dead, status, error);
        }

        await MarkAsync(delivery.Id, DeliveryStatus.Pending, attempts, now, status, error, next, cancellationToken);
        return new DispatchOutcome(delivery.Id, hook.Name, DispatchKind.Failed, status, error);
    }

    private async Task<HttpResponseMessage> SendAsync(WebhookOptions hook, DueDelivery delivery, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookBody.EventHeader, delivery.Event);
        request.Headers.TryAddWithoutValidation(WebhookBody.DeliveryHeader, delivery.Id);
        if (!string.IsNullOrEmpty(hook.Secret))
        {
            request.Headers.TryAddWithoutValidation(WebhookBody.SignatureHeader, WebhookBody.Signature(hook.Secret, body));
        }

        var client = _clients.CreateClient(HttpClientName);
        client.Timeout = _options.Value.RequestTimeout;
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>The longest excerpt of a refusing receiver's body kept as the delivery's error.</summary>
    private const int ExcerptChars = 300;

    /// <summary>
    /// The start of a refusing receiver's body, for the error. Read from the stream, at most a few hundred bytes and
    /// within RequestTimeout: a receiver that answers 500 with a huge or trickling body must not hold the pass (and
    /// every other webhook's deliveries behind it), nor fill memory.
    /// </summary>
    private async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Value.RequestTimeout);
        var buffer = new byte[ExcerptChars * 4];
        var read = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The body trickled: keep what arrived in time.
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The body broke off: keep what arrived.
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > ExcerptChars ? text[..ExcerptChars] + "…" : read == buffer.Length ? text + "…" : text;
    }

    private ResiliencePipeline<HttpResponseMessage> BreakerFor(string url) =>
        _breakers.GetOrAdd(url, _ =>
        {
            var options = _options.Value;
            return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
                {
                    FailureRatio = options.BreakerFailureRatio,
                    MinimumThroughput = options.BreakerMinimumThroughput,
                    SamplingDuration = options.BreakerSamplingDuration,
                    BreakDuration = options.BreakerBreakDuration,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                    {
                        { Result: { } response } => !response.IsSuccessStatusCode,
                        { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                        { Exception: HttpRequestException } => true,
                        _ => false,
                    }),
                })
                .Build();
        });

    private const string MarkSql = """
        UPDATE _vd_deliveries
        SET status = @status, attempts = @attempts, last_attempt_at = @now, last_status = @lastStatus, last_error = @lastError,
            next_attempt_at = COALESCE(@next, next_attempt_at), delivered_at = CASE WHEN @status = 'delivered' THEN @now ELSE delivered_at END
        WHERE id = @id AND status = 'pending'
        """;

    private const string MarkDeadKeepLastSql = """
        UPDATE _vd_deliveries SET status = 'dead', last_error = @lastError WHERE id = @id AND status = 'pending'
        """;

    // An attempt already recorded (a pass that died between the two statements of an earlier run) is not written twice.
    private const string InsertAttemptSql = """
        INSERT INTO _vd_delivery_attempts (delivery_id, attempt, at, status, error) VALUES (@id, @attempts, @now, @lastStatus, @lastError)
        ON CONFLICT (delivery_id, attempt) DO NOTHING
        """;

    private async Task MarkAsync(string id, DeliveryStatus status, long attempts, DateTimeOffset now, int? lastStatus, string? lastError, DateTimeOffset? next, CancellationToken cancellationToken, bool keepLast = false)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        // Written even when the caller is stopping: the receiver already has the request. The attempt's own row
        // (the Deliveries page's history) commits with the delivery's new state; keepLast marks a delivery dead
        // without a new attempt (not sent), so it adds none.
        await using var transaction = connection.BeginTransaction();
        var values = new
        {
            id,
            status = DeliveryLog.StatusName(status),
            attempts,
            now = now.ToUnixTimeMilliseconds(),
            lastStatus,
            lastError,
            next = next?.ToUnixTimeMilliseconds(),
        };
        var changed = await connection.ExecuteAsync(new CommandDefinition(keepLast ? MarkDeadKeepLastSql : MarkSql, values, transaction, cancellationToken: CancellationToken.None));
        if (!keepLast && changed > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertAttemptSql, values, transaction, cancellationToken: CancellationToken.None));
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    private const string DeferSql = "UPDATE _vd_deliveries SET next_attempt_at = @next, last_error = @reason WHERE id = @id AND status = 'pending'";

    private async Task DeferAsync(string id, DateTimeOffset next, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeferSql, new { id, next = next.ToUnixTimeMilliseconds(), reason }, cancellationToken: cancellationToken));
    }

    private sealed class DueDelivery
    {
        public string Id { get; set; } = "";
        public string Webhook { get; set; } = "";
        public string Event { get; set; } = "";
        public string Aggregate { get; set; } = "";
        public long Attempts { get; set; }
        public long DeadlineAtMs { get; set; }
        public string PayloadJson { get; set; } = "";
        public string? Summary { get; set; }
        public long CreatedAtMs { get; set; }
    }
}

/// <summary>What one pass did with a delivery.</summary>
public enum DispatchKind
{
    Delivered,

    /// <summary>Sent and failed; a retry is scheduled.</summary>
    Failed,

    /// <summary>Not sent: the endpoint's circuit is open; rescheduled without counting an attempt.</summary>
    CircuitOpen,

    Dead,
}

public sealed record DispatchOutcome(string DeliveryId, string Webhook, DispatchKind Kind, int? Status, string? Error);

using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Notifications;

/// <summary>
/// Writes notifications. An event is a row in <c>_vd_outbox</c> plus one pending delivery per webhook whose
/// patterns match it, written in the caller's transaction: the change and its notification commit together or not
/// at all, and nothing on the command path waits for the network (<see cref="WebhookDispatcher"/> sends later).
/// </summary>
public sealed class Outbox(IOptions<NotificationOptions> options)
{
    /// <summary>The webhooks an event goes to, in configuration order.</summary>
    public IReadOnlyList<WebhookOptions> Subscribers(string @event) =>
        options.Value.Webhooks.Where(w => w.Events.Any(p => EventPattern.Matches(p, @event))).ToList();

    private const string NextIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM _vd_outbox";

    private const string InsertEventSql = """
        INSERT INTO _vd_outbox (id, event, aggregate, payload_json, summary, created_at)
        VALUES (@id, @event, @aggregate, @payloadJson, @summary, @createdAt)
        """;

    private const string InsertDeliverySql = """
        INSERT INTO _vd_deliveries (id, outbox_id, webhook, event, aggregate, status, attempts, created_at, deadline_at, next_attempt_at)
        VALUES (@id, @outboxId, @webhook, @event, @aggregate, 'pending', 0, @createdAt, @deadlineAt, @createdAt)
        """;

    /// <summary>
    /// Records <paramref name="event"/> (<c>incident.updated</c>) about <paramref name="aggregate"/> (<c>incident:7</c>;
    /// deliveries of one aggregate to one webhook arrive in this order) in <paramref name="context"/>'s transaction.
    /// <paramref name="payload"/> is serialized with the command JSON (camelCase, snake_case enums) — never put a
    /// secret in it. <paramref name="summary"/> is the line a Slack webhook shows. Returns the outbox id; the event is
    /// recorded even when no webhook matches it (the next issue's rollout events use the same outbox).
    /// </summary>
    public async Task<long> EnqueueAsync(CommandContext context, string @event, string aggregate, object payload, string? summary = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(payload);
        if (EventPattern.Problem(@event) is not null || @event.EndsWith('*'))
        {
            throw new ArgumentException($"event '{@event}' must be lower-case dotted words", nameof(@event));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(aggregate);
        var connection = context.Connection;
        var transaction = context.Transaction;
        var createdAt = context.Now.ToUnixTimeMilliseconds();
        // The caller's transaction is immediate (it holds the write lock), so max + 1 cannot race.
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(NextIdSql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(InsertEventSql, new
        {
            id,
            @event,
            aggregate,
            payloadJson = JsonSerializer.Serialize(payload, payload.GetType(), CommandJson.Options),
            summary,
            createdAt,
        }, transaction, cancellationToken: cancellationToken));

        var deadlineAt = (context.Now + options.Value.GiveUpAfter).ToUnixTimeMilliseconds();
        foreach (var hook in Subscribers(@event))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertDeliverySql, new
            {
                id = Guid.NewGuid().ToString("D"),
                outboxId = id,
                webhook = hook.Name,
                @event,
                aggregate,
                createdAt,
                deadlineAt,
            }, transaction, cancellationToken: cancellationToken));
        }

        return id;
    }
}

using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Notifications;

/// <summary>A delivery's state: <c>pending</c> (due or waiting for a retry), <c>delivered</c>, <c>dead</c> (gave up).</summary>
public enum DeliveryStatus
{
    Pending,
    Delivered,
    Dead,
}

/// <summary>One delivery as the Deliveries page shows it (times Unix ms in the store, <see cref="DateTimeOffset"/> here).</summary>
public sealed class DeliveryView
{
    public string Id { get; set; } = "";
    public long OutboxId { get; set; }
    public string Webhook { get; set; } = "";
    public string Event { get; set; } = "";
    public string Aggregate { get; set; } = "";
    public DeliveryStatus Status { get; set; }
    public long Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset DeadlineAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatus { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Every attempt sent, oldest first (filled by <see cref="DeliveryLog.ListAsync"/> and <see cref="DeliveryLog.GetAsync"/>).</summary>
    public IReadOnlyList<DeliveryAttempt> History { get; set; } = [];
}

/// <summary>Which deliveries to list: newest first, optionally one status and/or one webhook.</summary>
/// <summary>One POST of a delivery: when, and the receiver's HTTP status or the error (a timeout, a refused connection).</summary>
public sealed record DeliveryAttempt(long Attempt, DateTimeOffset At, int? Status, string? Error);

public sealed record DeliveryQuery(DeliveryStatus? Status = null, string? Webhook = null, int Limit = 200);

/// <summary>The read side of <c>_vd_deliveries</c>, for the admin Deliveries page and the tests.</summary>
public sealed class DeliveryLog(SqliteConnectionFactory connections, StoreSchema schema)
{
    internal const string Columns = """
        id AS Id, outbox_id AS OutboxId, webhook AS Webhook, event AS Event, aggregate AS Aggregate, status AS StatusText,
        attempts AS Attempts, created_at AS CreatedAtMs, deadline_at AS DeadlineAtMs, next_attempt_at AS NextAttemptAtMs,
        last_attempt_at AS LastAttemptAtMs, last_status AS LastStatus, last_error AS LastError, delivered_at AS DeliveredAtMs
        """;

    private const string ListSql = $"SELECT {Columns} FROM _vd_deliveries";

    /// <summary>Newest first. The filters are added as SQL only when given: PostgreSQL cannot type a bare <c>@p IS NULL</c>.</summary>
    public async Task<IReadOnlyList<DeliveryView>> ListAsync(DeliveryQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new DeliveryQuery();
        var where = new List<string>();
        if (query.Status is not null)
        {
            where.Add("status = @status");
        }

        if (query.Webhook is not null)
        {
            where.Add("webhook = @webhook");
        }

        var sql = ListSql + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) + " ORDER BY outbox_id DESC, webhook LIMIT @limit";
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(sql, new
        {
            status = query.Status is { } s ? StatusName(s) : null,
            webhook = query.Webhook,
            limit = Math.Clamp(query.Limit, 1, 10_000),
        }, cancellationToken: cancellationToken));
        var views = rows.Select(r => r.ToView()).ToList();
        await FillHistoryAsync(connection, views, cancellationToken);
        return views;
    }

    // The newest deliveries' attempts in one query (the page shows at most a few hundred deliveries).
    private const string AttemptsSql = """
        SELECT a.delivery_id AS DeliveryId, a.attempt AS Attempt, a.at AS AtMs, a.status AS Status, a.error AS Error
        FROM _vd_delivery_attempts a
        WHERE a.delivery_id IN @ids
        ORDER BY a.delivery_id, a.attempt
        """;

    private static async Task FillHistoryAsync(SqliteConnection connection, IReadOnlyList<DeliveryView> views, CancellationToken cancellationToken)
    {
        if (views.Count == 0)
        {
            return;
        }

        var byId = views.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var rows = await connection.QueryAsync<AttemptRow>(new CommandDefinition(AttemptsSql, new { ids = byId.Keys.ToArray() }, cancellationToken: cancellationToken));
        foreach (var group in rows.GroupBy(r => r.DeliveryId))
        {
            if (byId.TryGetValue(group.Key, out var view))
            {
                view.History = group.Select(r => new DeliveryAttempt(r.Attempt, DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs), r.Status is { } st ? (int)st : null, r.Error)).ToList();
            }
        }
    }

    private sealed class AttemptRow
    {
        public string DeliveryId { get; set; } = "";
        public long Attempt { get; set; }
        public long AtMs { get; set; }
        public long? Status { get; set; }
        public string? Error { get; set; }
    }

    private const string GetSql = $"SELECT {Columns} FROM _vd_deliveries WHERE id = @id";

    public async Task<DeliveryView?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(GetSql, new { id }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var view = row.ToView();
        await FillHistoryAsync(connection, [view], cancellationToken);
        return view;
    }

    private const string CountsSql = "SELECT status AS Status, COUNT(*) AS Count FROM _vd_deliveries GROUP BY status";

    /// <summary>How many deliveries are in each status (a badge for the dead-letter list).</summary>
    public async Task<IReadOnlyDictionary<DeliveryStatus, long>> CountsAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(CountsSql, cancellationToken: cancellationToken));
        var counts = Enum.GetValues<DeliveryStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var (status, count) in rows)
        {
            counts[ParseStatus(status)] = count;
        }

        return counts;
    }

    public static string StatusName(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static DeliveryStatus ParseStatus(string status) => status switch
    {
        "pending" => DeliveryStatus.Pending,
        "delivered" => DeliveryStatus.Delivered,
        "dead" => DeliveryStatus.Dead,
        _ => throw new InvalidOperationException($"unknown delivery status '{status}' in _vd_deliveries"),
    };

    /// <summary>A row as Dapper reads it (SQLite integers are Int64).</summary>
    internal sealed class DeliveryRow
    {
        public string Id { get; set; } = "";
        public long OutboxId { get; set; }
        public string Webhook { get; set; } = "";
        public string Event { get; set; } = "";
        public string Aggregate { get; set; } = "";
        public string StatusText { get; set; } = "";
        public long Attempts { get; set; }
        public long CreatedAtMs { get; set; }
        public long DeadlineAtMs { get; set; }
        public long NextAttemptAtMs { get; set; }
        public long? LastAttemptAtMs { get; set; }
        public long? LastStatus { get; set; }
        public string? LastError { get; set; }
        public long? DeliveredAtMs { get; set; }

        public DeliveryView ToView() => new()
        {
            Id = Id,
            OutboxId = OutboxId,
            Webhook = Webhook,
            Event = Event,
            Aggregate = Aggregate,
            Status = ParseStatus(StatusText),
            Attempts = Attempts,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs),
            DeadlineAt = DateTimeOffset.FromUnixTimeMilliseconds(DeadlineAtMs),
            NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(NextAttemptAtMs),
            LastAttemptAt = LastAttemptAtMs is { } a ? DateTimeOffset.FromUnixTimeMilliseconds(a) : null,
            LastStatus = LastStatus is { } s ? (int)s : null,
            LastError = LastError,
            DeliveredAt = DeliveredAtMs is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null,
        };
    }
}

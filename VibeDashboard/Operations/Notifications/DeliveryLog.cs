using Dapper;
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
}

/// <summary>Which deliveries to list: newest first, optionally one status and/or one webhook.</summary>
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
        return rows.Select(r => r.ToView()).ToList();
    }

    private const string GetSql = $"SELECT {Columns} FROM _vd_deliveries WHERE id = @id";

    public async Task<DeliveryView?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(new CommandDefinition(GetSql, new { id }, cancellationToken: cancellationToken));
        return row?.ToView();
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

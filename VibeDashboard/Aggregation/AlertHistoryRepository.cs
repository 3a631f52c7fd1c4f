using Dapper;
using VibeDashboard.Storage;

namespace VibeDashboard.Aggregation;

/// <summary>Alert state transitions, kept in the store's own <c>_vd_alert_history</c> so they survive restarts.</summary>
public sealed class AlertHistoryRepository(SqliteConnectionFactory connections, StoreSchema schema)
{
    // The table is migration 3 (Storage/Migrations/M0003_AlertHistory).
    private Task EnsureCreatedAsync(CancellationToken cancellationToken) => schema.EnsureCreatedAsync(cancellationToken);

    private const string InsertSql = """
        INSERT INTO _vd_alert_history (at, slo_key, from_state, to_state, reason) VALUES (@At, @SloKey, @From, @To, @Reason)
        """;

    public async Task AddAsync(IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = transitions.Select(t => new { At = t.At.ToUnixTimeMilliseconds(), t.SloKey, From = t.From.Name(), To = t.To.Name(), t.Reason });
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, rows, cancellationToken: cancellationToken));
    }

    private const string RecentSql = """
        SELECT at AS AtMs, slo_key AS SloKey, from_state AS "From", to_state AS "To", reason AS Reason
        FROM _vd_alert_history ORDER BY id DESC LIMIT @limit
        """;

    /// <summary>The newest transitions, newest first.</summary>
    public async Task<IReadOnlyList<AlertTransition>> RecentAsync(int limit = 1000, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(RecentSql, new { limit }, cancellationToken: cancellationToken));
        var transitions = new List<AlertTransition>();
        foreach (var r in rows)
        {
            // A state this version does not know (a newer one wrote it) is skipped rather than misread.
            if (AlertStates.TryParse(r.From, out var from) && AlertStates.TryParse(r.To, out var to))
            {
                transitions.Add(new AlertTransition(DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs), r.SloKey, from, to, r.Reason));
            }
        }

        return transitions;
    }

    private sealed class Row
    {
        public long AtMs { get; set; }
        public string SloKey { get; set; } = "";
        public string From { get; set; } = "";
        public string To { get; set; } = "";
        public string Reason { get; set; } = "";
    }
}

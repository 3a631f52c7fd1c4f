using Dapper;

namespace VibeDashboard.Storage;

/// <summary>What the store holds: per-table counts, data freshness, demo flag.</summary>
public sealed class StoreRepository(SqliteConnectionFactory connections, StoreSchema schema, TimeProvider time)
{
    private const string TablesSql = "SELECT name FROM _vd_tables ORDER BY name";

    /// <summary>Row counts of ops_events and every imported VibeSDK table.</summary>
    public async Task<IReadOnlyList<TableCount>> CountRowsAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var tables = (await connection.QueryAsync<string>(new CommandDefinition(TablesSql, cancellationToken: cancellationToken))).ToList();
        var result = new List<TableCount>(tables.Count + 1);
        foreach (var table in tables.Append(StoreSchema.OpsEvents).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
        {
            // Table names come from our own registry (validated identifiers at import), quoted anyway.
            var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {Quote(table)}", cancellationToken: cancellationToken));
            result.Add(new TableCount(table, rows));
        }

        return result;
    }

    // An event dated after now has not happened yet: it must not make the data look fresh (nor silence the stale warning).
    private const string NewestEventSql = "SELECT MAX(occurred_at) FROM ops_events WHERE occurred_at <= @now";

    /// <summary>Time of the newest event that is not later than now, or null when there is none.</summary>
    public async Task<DateTimeOffset?> NewestEventAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ms = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(NewestEventSql, new { now }, cancellationToken: cancellationToken));
        return ms is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms.Value);
    }

    private const string MetaGetSql = "SELECT value FROM _vd_meta WHERE key = @key";

    public async Task<string?> GetMetaAsync(string key, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(MetaGetSql, new { key }, cancellationToken: cancellationToken));
    }

    /// <summary>True when the store holds generated demo data rather than imported data.</summary>
    public async Task<bool> IsDemoAsync(CancellationToken cancellationToken = default) =>
        await GetMetaAsync(MetaKeys.Demo, cancellationToken) == "1";

    private const string HasImportedSql = "SELECT EXISTS (SELECT 1 FROM _vd_imports WHERE outcome = 'Succeeded')";

    public async Task<bool> HasImportedDataAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(HasImportedSql, cancellationToken: cancellationToken));
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}

public static class MetaKeys
{
    public const string Demo = "demo";
    public const string DemoSeed = "demo_seed";
}

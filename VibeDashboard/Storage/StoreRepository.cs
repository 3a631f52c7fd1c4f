using Dapper;

namespace VibeDashboard.Storage;

/// <summary>What the store holds: per-table counts, data freshness, demo flag.</summary>
public sealed class StoreRepository(SqliteConnectionFactory connections, StoreSchema schema)
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

    // Only times a DateTimeOffset can hold (year 1 … 9999): a corrupt occurred_at (year 10000, 2^63−1) must not
    // make every status read throw, nor pass for the newest event. A text value sorts above every number and a
    // huge REAL falls outside the range, so the index still answers this.
    private const string NewestEventSql = """
        SELECT MAX(occurred_at) FROM ops_events WHERE occurred_at BETWEEN -62135596800000 AND @notAfter
        """;

    /// <summary>
    /// Time of the newest event, or null on an empty store. Events dated after <paramref name="notAfter"/>
    /// (default: the largest representable time) are left out.
    /// </summary>
    public async Task<DateTimeOffset?> NewestEventAsync(CancellationToken cancellationToken = default, DateTimeOffset? notAfter = null)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var limit = (notAfter ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds();
        var ms = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(NewestEventSql, new { notAfter = limit }, cancellationToken: cancellationToken));
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

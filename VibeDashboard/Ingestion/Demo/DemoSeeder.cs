using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion.Demo;

/// <summary>
/// Builds the embedded demo store when nothing else is there to show, and appends live demo events.
/// A store holding imported data is never touched; the first real import wipes the demo (see <see cref="ClearAsync"/>).
/// </summary>
public sealed class DemoSeeder(
    SqliteConnectionFactory connections,
    StoreSchema schema,
    StoreRepository store,
    IOptions<DemoOptions> demo,
    IOptions<IngestionOptions> ingestion,
    TimeProvider time,
    ILogger<DemoSeeder> logger)
{
    internal const string AnchorKey = "demo_anchor";
    internal const string UntilKey = "demo_until";

    // About a tenth of a second of writing between progress reports and cancellation checks.
    private const long ProgressEvery = 10_000;

    private DemoDataGenerator? _generator;

    /// <summary>The live generator, once a demo store is active in this process.</summary>
    public DemoDataGenerator? Generator => _generator;

    /// <summary>
    /// Whether <see cref="EnsureDemoAsync"/> would build: demo data is enabled, no source is configured and the
    /// store holds no imported data. Two quick reads, so start-up can decide before serving whether a build is under way.
    /// </summary>
    public async Task<bool> IsNeededAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        return demo.Value.Enabled && !ingestion.Value.HasSources && !await store.HasImportedDataAsync(cancellationToken);
    }

    /// <summary>
    /// Seeds the demo store when demo data is enabled, no source is configured and the store holds no
    /// imported data. A demo store from an earlier run is rebuilt, so the demo always ends "now".
    /// The whole build is one transaction: until it commits, readers see the store as it was.
    /// <paramref name="progress"/> hears the number of events written now and then (start-up shows it on /readyz).
    /// </summary>
    public async Task<bool> EnsureDemoAsync(CancellationToken cancellationToken = default, Action<long>? progress = null)
    {
        if (!await IsNeededAsync(cancellationToken))
        {
            return false;
        }

        // Whole seconds: the generator works per origin second, so the anchor must sit on one.
        var anchor = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000 * 1000;
        var generator = new DemoDataGenerator(demo.Value.Seed, anchor);
        var from = anchor - (long)TimeSpan.FromDays(demo.Value.Days).TotalMilliseconds;
        var started = time.GetTimestamp();

        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await HasImportedDataAsync(connection, transaction))
        {
            return false; // an import landed (another process) while we were deciding
        }

        await ClearAsync(connection, transaction);
        using (var writer = ImportWriter.Open(connection, transaction, anchor))
        {
            foreach (var table in generator.Tables(demo.Value.Days))
            {
                writer.Apply(new CreateTableStatement(0, table.Name, table.Columns, table.CreateSql));
                long row = 0;
                foreach (var values in table.Rows)
                {
                    writer.ApplyRow(table.Name, table.Columns, values, ++row);
                }
            }

            long n = 0;
            foreach (var e in generator.Events(from, anchor))
            {
                writer.ApplyRow(StoreSchema.OpsEvents, StoreSchema.OpsEventColumns, e.ToRow(), ++n);
                if (n % ProgressEvery == 0)
                {
                    // The build runs in the background while the server answers: a stop must not wait for the rest.
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Invoke(n);
                }
            }

            progress?.Invoke(n);
        }

        await SetMetaAsync(connection, transaction, MetaKeys.Demo, "1");
        await SetMetaAsync(connection, transaction, MetaKeys.DemoSeed, demo.Value.Seed.ToString(CultureInfo.InvariantCulture));
        await SetMetaAsync(connection, transaction, AnchorKey, anchor.ToString(CultureInfo.InvariantCulture));
        await SetMetaAsync(connection, transaction, UntilKey, anchor.ToString(CultureInfo.InvariantCulture));
        await transaction.CommitAsync(cancellationToken);
        _generator = generator;
        logger.LogInformation("Demo store built (seed {Seed}, {Days} days) in {Ms:F0} ms", demo.Value.Seed, demo.Value.Days, time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    /// <summary>
    /// Appends the demo events between the last append and now. Returns false once the store no longer
    /// holds demo data (an import replaced it, possibly from another process): the live feed then stops.
    /// </summary>
    public async Task<bool> AppendLiveAsync(CancellationToken cancellationToken = default)
    {
        if (_generator is null)
        {
            return false;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000 * 1000;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await GetMetaAsync(connection, transaction, MetaKeys.Demo) != "1")
        {
            _generator = null;
            return false;
        }

        var until = long.Parse(await GetMetaAsync(connection, transaction, UntilKey) ?? "0", CultureInfo.InvariantCulture);
        if (now <= until)
        {
            return true;
        }

        await InsertEventsAsync(connection, transaction, _generator.Events(until, now), cancellationToken);
        await InsertEventsAsync(connection, transaction, DemoReplay.Copies(_generator, until, now, demo.Value.RateMultiplier), cancellationToken);

        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            var columns = DemoDataGenerator.AuthAttemptColumns;
            insert.CommandText = $"INSERT OR IGNORE INTO auth_attempts ({string.Join(", ", columns.Select(StoreRepository.Quote))}) " +
                                 $"VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            var parameters = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            foreach (var row in _generator.AuthAttempts(until, now))
            {
                for (var i = 0; i < row.Length; i++)
                {
                    parameters[i].Value = row[i] ?? DBNull.Value;
                }

                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        // An injected fault adds its failing generations for the part of [until, now) it covers.
        if (DemoFault.Parse(await GetMetaAsync(connection, transaction, DemoFault.MetaKey)) is { } fault)
        {
            var from = Math.Max(until, fault.From.ToUnixTimeMilliseconds());
            var to = Math.Min(now, fault.Until.ToUnixTimeMilliseconds());
            if (to > from)
            {
                await InsertEventsAsync(connection, transaction, _generator.FaultEvents(fault.Tier, from, to), cancellationToken);
            }
        }

        await SetMetaAsync(connection, transaction, UntilKey, now.ToString(CultureInfo.InvariantCulture));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task InsertEventsAsync(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<OpsEvent> events, CancellationToken cancellationToken)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT OR IGNORE INTO ops_events ({string.Join(", ", StoreSchema.OpsEventColumns)}) " +
                             $"VALUES ({string.Join(", ", StoreSchema.OpsEventColumns.Select((_, i) => "$p" + i))})";
        var parameters = StoreSchema.OpsEventColumns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
        foreach (var e in events)
        {
            var row = e.ToRow();
            for (var i = 0; i < row.Length; i++)
            {
                parameters[i].Value = row[i] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Removes every trace of demo data (inside the caller's transaction) and marks the store as real.</summary>
    public static async Task ClearAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT name FROM _vd_tables";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        using var clear = connection.CreateCommand();
        clear.Transaction = transaction;
        clear.CommandText = string.Concat(tables.Select(t => $"DROP TABLE IF EXISTS {StoreRepository.Quote(t)};")) +
                            "DELETE FROM _vd_tables; DELETE FROM ops_events; " +
                            $"DELETE FROM _vd_meta WHERE key IN ('{ImportWriter.OpsColumnsMetaKey}', '{MetaKeys.DemoSeed}', '{AnchorKey}', '{UntilKey}', '{DemoFault.MetaKey}');" +
                            "INSERT OR REPLACE INTO _vd_meta (key, value) VALUES ('demo', '0');";
        await clear.ExecuteNonQueryAsync();
    }

    private static async Task<bool> HasImportedDataAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM _vd_imports WHERE outcome = 'Succeeded')";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture) == 1;
    }

    private static async Task<string?> GetMetaAsync(SqliteConnection connection, SqliteTransaction transaction, string key)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT value FROM _vd_meta WHERE key = $key";
        cmd.Parameters.AddWithValue("$key", key);
        return await cmd.ExecuteScalarAsync() as string;
    }

    private static async Task SetMetaAsync(SqliteConnection connection, SqliteTransaction transaction, string key, string value)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "INSERT OR REPLACE INTO _vd_meta (key, value) VALUES ($key, $value)";
        cmd.Parameters.AddWithValue("$key", key);
        cmd.Parameters.AddWithValue("$value", value);
        await cmd.ExecuteNonQueryAsync();
    }
}

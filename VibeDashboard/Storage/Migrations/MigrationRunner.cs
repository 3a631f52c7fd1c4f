using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// Applies the numbered migrations the store lacks, in order, each in its own immediate transaction with its row in
/// <c>_vd_schema_migrations</c>: a crash leaves the store at a whole step, and two processes starting together
/// serialise on the write lock (the second sees the step recorded and skips it).
/// </summary>
public static class MigrationRunner
{
    public static readonly IReadOnlyList<IStoreMigration> All = Discover();

    public static int Latest => All[^1].Number;

    private const string CreateLedgerSql = """
        CREATE TABLE IF NOT EXISTS _vd_schema_migrations (
            number INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL)
        """;

    public static async Task ApplyAsync(SqliteConnection connection, TimeProvider time, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(CreateLedgerSql, cancellationToken: cancellationToken));
        foreach (var migration in All)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM _vd_schema_migrations WHERE number = @number", new { number = migration.Number }, transaction, cancellationToken: cancellationToken));
            if (applied > 0)
            {
                continue;
            }

            await migration.ApplyAsync(connection, transaction, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO _vd_schema_migrations (number, name, applied_at) VALUES (@number, @name, @at)",
                new { number = migration.Number, name = migration.Name, at = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
            // schema_version is what older tools and the stats command read.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO _vd_meta (key, value) VALUES ('schema_version', @version)",
                new { version = migration.Number.ToString(CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }

        var newest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(number) FROM _vd_schema_migrations", cancellationToken: cancellationToken));
        if (newest > Latest)
        {
            throw new InvalidOperationException(
                $"the store was migrated by a newer VibeDashboard (migration {newest}; this version knows {Latest}): run that version, or point Storage:Path at another store");
        }
    }

    private static IReadOnlyList<IStoreMigration> Discover()
    {
        var migrations = typeof(IStoreMigration).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IStoreMigration).IsAssignableFrom(t))
            .Select(t => (IStoreMigration)Activator.CreateInstance(t)!)
            .OrderBy(m => m.Number)
            .ToList();
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Number != i + 1)
            {
                throw new InvalidOperationException($"store migrations must be numbered 1..n without gaps; found {migrations[i].GetType().Name} as {migrations[i].Number} at position {i + 1}");
            }
        }

        return migrations;
    }
}

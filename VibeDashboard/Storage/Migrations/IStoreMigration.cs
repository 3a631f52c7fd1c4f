using Microsoft.Data.Sqlite;

namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// One numbered step of the store's schema. Every table the dashboard owns — imports, quarantine, alert history,
/// and the operator tables (access, audit, and later incidents and rollouts) — is created by one of these, in
/// number order, each inside the same transaction as the row that records it in <c>_vd_schema_migrations</c>.
/// A new table or column is a new class with the next number; a released migration is never edited.
/// </summary>
/// <remarks>
/// The store's SQL stays plain: the operator tables' migrations use only types and statements PostgreSQL also
/// accepts (INTEGER/BIGINT, TEXT, no AUTOINCREMENT, no <c>INSERT OR …</c>), since a later issue moves operator
/// state there. Migrations are discovered by reflection: a class in this namespace implementing this interface.
/// </remarks>
public interface IStoreMigration
{
    /// <summary>Unique, ascending; gaps are not allowed.</summary>
    int Number { get; }

    /// <summary>What the step does, kept in <c>_vd_schema_migrations</c> for an operator reading the store.</summary>
    string Name { get; }

    Task ApplyAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>A migration that is a block of SQL.</summary>
public abstract class SqlMigration : IStoreMigration
{
    public abstract int Number { get; }

    public abstract string Name { get; }

    protected abstract string Sql { get; }

    public async Task ApplyAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

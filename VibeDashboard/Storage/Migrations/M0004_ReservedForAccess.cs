using Microsoft.Data.Sqlite;

namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// BRANCH-ONLY PLACEHOLDER (issue-9-commands): number 4 is the tokens helper's access migration, and the runner refuses
/// gaps, so this branch holds the number until that migration lands. Delete this file when merging the access branch.
/// </summary>
public sealed class M0004_ReservedForAccess : IStoreMigration
{
    public int Number => 4;

    public string Name => "access (placeholder)";

    public Task ApplyAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;
}

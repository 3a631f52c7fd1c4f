namespace VibeDashboard.Ingestion;

/// <summary>The only statement kinds a D1 export contains. Anything else is rejected by <see cref="StatementParser"/>.</summary>
public abstract record ExportStatement(long Line);

/// <summary><c>PRAGMA defer_foreign_keys=TRUE</c>: line 1 of every wrangler export; nothing to do (the store keeps no foreign keys).</summary>
public sealed record DeferForeignKeysStatement(long Line) : ExportStatement(Line);

/// <summary><c>CREATE TABLE [IF NOT EXISTS] t (…)</c>: only the table and column names are used.</summary>
public sealed record CreateTableStatement(long Line, string Table, IReadOnlyList<string> Columns, string Sql) : ExportStatement(Line);

/// <summary><c>INSERT INTO t [(c1,…)] VALUES(…)[,(…)]</c> with literal values already evaluated.</summary>
public sealed record InsertStatement(long Line, string Table, IReadOnlyList<string>? Columns, IReadOnlyList<object?[]> Rows) : ExportStatement(Line);

/// <summary><c>DELETE FROM sqlite_sequence</c> and inserts into it: autoincrement counters, meaningless to the store.</summary>
public sealed record SqliteSequenceStatement(long Line) : ExportStatement(Line);

/// <summary><c>CREATE [UNIQUE] INDEX</c> or <c>CREATE VIEW</c>: valid in an export, not needed by the store.</summary>
public sealed record IgnoredSchemaStatement(long Line, string Kind, string Name) : ExportStatement(Line);

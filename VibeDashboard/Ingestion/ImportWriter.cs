using System.Text.Json;
using Microsoft.Data.Sqlite;
using System.Text;
using SQLitePCL;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>
/// Applies parsed export statements to the store inside the import's single transaction, through the
/// store's own prepared statements (never the export's SQL). VibeSDK tables are replaced by the export's
/// rows; <c>ops_events</c> accumulates by <c>id</c> (INSERT OR IGNORE), since D1 may prune old events.
/// ops_events rows are checked against the contract (<see cref="OpsEventContract"/>); a row that breaks it is
/// written to <c>_vd_quarantine</c> instead, in the same transaction. It also counts, per VibeSDK table, the
/// rows the store held before, so the importer can hold an export that would empty or halve a table.
/// </summary>
internal sealed class ImportWriter : IDisposable
{
    internal const string OpsColumnsMetaKey = "ops_events_export_columns";

    /// <summary>Quarantined rows kept per import (all are counted): a bad export cannot fill the disk with excerpts.</summary>
    internal const int MaxStoredQuarantineRows = 10_000;

    /// <summary>
    /// Columns of VibeSDK tables the aggregator reads (AggregationReader, OffenderQueries), and what for. A table
    /// without one would make every tick fail, so the export is refused instead. auth_attempts' ip_address and
    /// identifier are optional: without them the offender breakdown is shown as unavailable.
    /// </summary>
    private static readonly Dictionary<string, (string Column, string Use)[]> RequiredColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auth_attempts"] = [("attempted_at", "auth failure anomalies"), ("success", "auth failure anomalies")],
        ["apps"] = [("created_at", "artifact growth")],
        ["d1_migrations"] = [("name", "migration drift")],
    };

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly long _nowMs;
    private readonly Dictionary<string, RegisteredTable> _registry;
    private readonly Dictionary<string, TableState> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _order = [];
    private string[] _opsExportColumns;
    private readonly OpsEventContract? _contract;
    private readonly double _maxQuarantinedFraction;
    private SqliteCommand? _quarantineInsert;
    private (long Line, string Reason, bool SqliteRow)? _firstQuarantine;
    private bool _sqliteRows; // rows come from a SQLite input: positions are row numbers, not dump lines

    private ImportWriter(SqliteConnection connection, SqliteTransaction transaction, long nowMs,
        Dictionary<string, RegisteredTable> registry, string[] opsExportColumns, OpsEventContract? contract, double maxQuarantinedFraction)
    {
        _connection = connection;
        _transaction = transaction;
        _nowMs = nowMs;
        _registry = registry;
        _opsExportColumns = opsExportColumns;
        _contract = contract;
        _maxQuarantinedFraction = maxQuarantinedFraction;
    }

    public long NewEvents { get; private set; }

    /// <summary>ops_events rows that broke the contract (all of them, stored or not).</summary>
    public long Quarantined { get; private set; }

    /// <summary>VibeSDK tables this export would empty or shrink by more than half, against the store before it.</summary>
    public IReadOnlyList<TableShrink> Shrinks =>
        _order.Select(t => _tables[t])
            .Where(t => !t.IsOps && t.Before is > 0 && (t.Rows == 0 || t.Rows * 2 < t.Before))
            .Select(t => new TableShrink(t.Name, t.Before!.Value, t.Rows))
            .ToList();

    /// <summary>Rows read from the export per table, in the order the tables appeared.</summary>
    public IReadOnlyList<TableCount> Rows => _order.Select(t => new TableCount(_tables[t].Name, _tables[t].Rows)).ToList();

    /// <summary>A writer for data the dashboard generated itself (the demo): its events are not checked against the contract.</summary>
    public static ImportWriter Open(SqliteConnection connection, SqliteTransaction transaction, long nowMs) =>
        Open(connection, transaction, nowMs, null, 1d);

    /// <summary>A writer for an export: ops_events rows are checked against <paramref name="contract"/> and quarantined when they break it.</summary>
    public static ImportWriter Open(SqliteConnection connection, SqliteTransaction transaction, long nowMs, OpsEventContract? contract, double maxQuarantinedFraction)
    {
        var registry = new Dictionary<string, RegisteredTable>(StringComparer.OrdinalIgnoreCase);
        using (var cmd = Command(connection, transaction, "SELECT name, columns_json FROM _vd_tables"))
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                var columns = JsonSerializer.Deserialize<string[]>(reader.GetString(1)) ?? [];
                registry[reader.GetString(0)] = new RegisteredTable(reader.GetString(0), columns);
            }
        }

        using var meta = Command(connection, transaction, "SELECT value FROM _vd_meta WHERE key = $key");
        meta.Parameters.AddWithValue("$key", OpsColumnsMetaKey);
        var opsColumns = meta.ExecuteScalar() is string json ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [];
        return new ImportWriter(connection, transaction, nowMs, registry, opsColumns.Length > 0 ? opsColumns : StoreSchema.OpsEventColumns, contract, maxQuarantinedFraction);
    }

    /// <summary>
    /// After the last statement: an export that held no table at all (empty, only a BOM, comments or the PRAGMA)
    /// is refused rather than "imported" as nothing, and so is one whose ops_events are systematically broken.
    /// </summary>
    public void Complete()
    {
        if (_order.Count == 0)
        {
            throw new ExportRejectedException(0, "the export holds no tables (is it empty or cut before its first CREATE TABLE?)");
        }

        var read = _tables.TryGetValue(StoreSchema.OpsEvents, out var ops) ? ops.Rows : 0;
        if (Quarantined > 0 && Quarantined > _maxQuarantinedFraction * read && _firstQuarantine is { } first)
        {
            var percent = (100d * Quarantined / read).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
            throw new ExportRejectedException(0,
                $"{Quarantined} of {read} ops_events rows ({percent} %) break the contract (Ingestion:MaxQuarantinedFraction): " +
                $"first: {(first.SqliteRow ? "row" : "line")} {first.Line}: {first.Reason}");
        }
    }

    /// <summary>Gives this import's quarantined rows its history row's id (same transaction).</summary>
    public void AssignQuarantine(long importId)
    {
        if (Quarantined > 0)
        {
            QuarantineRepository.AssignImport(_connection, _transaction, importId);
        }
    }

    private void Quarantine(long line, string reason, IReadOnlyList<string> columns, object?[] row)
    {
        Quarantined++;
        _firstQuarantine ??= (line, reason, _sqliteRows);
        if (Quarantined > MaxStoredQuarantineRows)
        {
            return;
        }

        _quarantineInsert ??= QuarantineRepository.PrepareInsert(_connection, _transaction);
        _quarantineInsert.Parameters["$table"].Value = StoreSchema.OpsEvents;
        _quarantineInsert.Parameters["$line"].Value = line;
        _quarantineInsert.Parameters["$reason"].Value = reason;
        _quarantineInsert.Parameters["$excerpt"].Value = QuarantineExcerpt.For(columns, row);
        _quarantineInsert.ExecuteNonQuery();
    }


    public void Apply(ExportStatement statement)
    {
        switch (statement)
        {
            case InsertStatement insert:
                var table = TableFor(insert.Table, insert.Line);
                var plan = table.PlanFor(insert.Columns, insert.Line, this);
                foreach (var row in insert.Rows)
                {
                    plan.Write(row, insert.Line, this);
                    table.Rows++;
                }

                break;
            case CreateTableStatement create:
                CreateTable(create);
                break;
            case DeferForeignKeysStatement or SqliteSequenceStatement or IgnoredSchemaStatement:
                break;
            default:
                throw new ExportRejectedException(statement.Line, $"unsupported statement {statement.GetType().Name}");
        }
    }

    /// <summary>Writes one row read from a SQLite file (values already typed by SQLite).</summary>
    public void ApplyRow(string table, IReadOnlyList<string> columns, object?[] values, long rowNumber)
    {
        _sqliteRows = true;
        var state = TableFor(table, rowNumber);
        state.PlanFor(columns, rowNumber, this).Write(values, rowNumber, this);
        state.Rows++;
    }

    private TableState TableFor(string name, long line)
    {
        if (_tables.TryGetValue(name, out var state))
        {
            return state;
        }

        if (IsOpsEvents(name))
        {
            return Add(new TableState(StoreSchema.OpsEvents, _opsExportColumns, isOps: true));
        }

        // A data-only export (--no-schema): the table must already be known from an earlier full export.
        if (!_registry.TryGetValue(name, out var registered))
        {
            throw new ExportRejectedException(line,
                $"rows for table {name} come before any CREATE TABLE for it and the store has no schema for it: import a full export (with schema) first");
        }

        var before = CountRows(registered.Name);
        Execute($"DELETE FROM {StoreRepository.Quote(registered.Name)}");
        Execute("UPDATE _vd_tables SET imported_at = $now WHERE name = $name", ("$now", _nowMs), ("$name", registered.Name));
        return Add(new TableState(registered.Name, registered.Columns, isOps: false) { Before = before });
    }

    private TableState Add(TableState state)
    {
        _tables[state.Name] = state;
        _order.Add(state.Name);
        return state;
    }

    private void CreateTable(CreateTableStatement create)
    {
        if (_tables.ContainsKey(create.Table))
        {
            throw new ExportRejectedException(create.Line, $"table {create.Table} is created twice in one export");
        }

        var columns = create.Columns.ToArray();
        if (IsOpsEvents(create.Table))
        {
            foreach (var required in (string[])["id", "occurred_at", "event_type"])
            {
                if (!columns.Contains(required, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ExportRejectedException(create.Line, $"ops_events has no {required} column; see the ops_events contract in the README");
                }
            }

            _opsExportColumns = columns;
            Execute("INSERT OR REPLACE INTO _vd_meta (key, value) VALUES ($key, $value)",
                ("$key", OpsColumnsMetaKey), ("$value", JsonSerializer.Serialize(columns)));
            Add(new TableState(StoreSchema.OpsEvents, columns, isOps: true));
            return;
        }

        if (RequiredColumns.TryGetValue(create.Table, out var needed))
        {
            foreach (var (column, use) in needed)
            {
                if (!columns.Contains(column, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ExportRejectedException(create.Line, $"table {create.Table} has no {column} column: the dashboard reads it for {use}");
                }
            }
        }

        var quoted = StoreRepository.Quote(create.Table);
        long? before = _registry.TryGetValue(create.Table, out var known) ? CountRows(known.Name) : null;
        if (_registry.TryGetValue(create.Table, out var existing) && existing.Columns.SequenceEqual(columns, StringComparer.OrdinalIgnoreCase))
        {
            Execute($"DELETE FROM {quoted}");
        }
        else
        {
            // Untyped columns on purpose: no affinity, so each value keeps the type the export gave it.
            Execute($"DROP TABLE IF EXISTS {quoted}");
            Execute($"CREATE TABLE {quoted} ({string.Join(", ", columns.Select(StoreRepository.Quote))})");
        }

        Execute("""
            INSERT INTO _vd_tables (name, columns_json, source_sql, imported_at) VALUES ($name, $columns, $sql, $now)
            ON CONFLICT (name) DO UPDATE SET columns_json = excluded.columns_json, source_sql = excluded.source_sql, imported_at = excluded.imported_at
            """, ("$name", create.Table), ("$columns", JsonSerializer.Serialize(columns)), ("$sql", create.Sql), ("$now", _nowMs));
        _registry[create.Table] = new RegisteredTable(create.Table, columns);
        Add(new TableState(create.Table, columns, isOps: false) { Before = before });
    }

    private long CountRows(string table)
    {
        using var cmd = Command(_connection, _transaction, $"SELECT COUNT(*) FROM {StoreRepository.Quote(table)}");
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsOpsEvents(string table) => string.Equals(table, StoreSchema.OpsEvents, StringComparison.OrdinalIgnoreCase);

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(_connection, _transaction, sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        cmd.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    public void Dispose()
    {
        foreach (var table in _tables.Values)
        {
            table.Dispose();
        }

        _quarantineInsert?.Dispose();
    }

    private sealed record RegisteredTable(string Name, string[] Columns);

    private sealed class TableState(string name, string[] columns, bool isOps) : IDisposable
    {
        private readonly Dictionary<string, InsertPlan> _plans = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public bool IsOps { get; } = isOps;

        /// <summary>Rows read from the export (quarantined ops_events rows included).</summary>
        public long Rows { get; set; }

        /// <summary>Rows the store held before this export replaced the table; null for a table new to the store.</summary>
        public long? Before { get; init; }

        public InsertPlan PlanFor(IReadOnlyList<string>? exportColumns, long line, ImportWriter writer)
        {
            var key = exportColumns is null ? "" : string.Join('\u001f', exportColumns);
            if (_plans.TryGetValue(key, out var plan))
            {
                return plan;
            }

            var source = exportColumns ?? columns;
            plan = IsOps ? InsertPlan.ForOpsEvents(source, line, writer) : InsertPlan.ForTable(Name, columns, source, line, writer);
            _plans[key] = plan;
            return plan;
        }

        public void Dispose()
        {
            foreach (var plan in _plans.Values)
            {
                plan.Dispose();
            }
        }
    }

    /// <summary>
    /// A prepared INSERT for one table and one export column list, with value positions mapped once.
    /// Binds through SQLite's C API directly (on the same connection and transaction): per-row parameter
    /// objects cost more than the insert itself on a million-row import.
    /// </summary>
    private sealed class InsertPlan : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;
        private readonly int[] _sourceIndex; // export value index per parameter (-1: absent → NULL)
        private readonly bool[] _isTimestamp;
        private readonly string[] _names;
        private readonly object?[] _values;
        private readonly bool[] _boundNull;
        private byte[] _utf8 = new byte[4096];
        private readonly bool _isOps;
        private readonly int _width;
        private readonly string _table;
        private readonly IReadOnlyList<string> _exportColumns;

        private InsertPlan(SqliteConnection connection, string table, string sql, string[] targetColumns, int[] sourceIndex, bool isOps, IReadOnlyList<string> exportColumns)
        {
            _connection = connection;
            _table = table;
            _exportColumns = exportColumns;
            var width = exportColumns.Count;
            _names = targetColumns;
            _sourceIndex = sourceIndex;
            _isOps = isOps;
            _width = width;
            _values = new object?[targetColumns.Length];
            _boundNull = new bool[targetColumns.Length];
            _isTimestamp = targetColumns.Select(TimestampNormalizer.IsTimestampColumn).ToArray();
            Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
        }

        public static InsertPlan ForTable(string table, string[] tableColumns, IReadOnlyList<string> exportColumns, long line, ImportWriter writer)
        {
            var target = new string[exportColumns.Count];
            var index = new int[exportColumns.Count];
            for (var i = 0; i < exportColumns.Count; i++)
            {
                var match = Array.FindIndex(tableColumns, c => c.Equals(exportColumns[i], StringComparison.OrdinalIgnoreCase));
                if (match < 0)
                {
                    throw new ExportRejectedException(line, $"table {table} has no column {exportColumns[i]}");
                }

                target[i] = tableColumns[match];
                index[i] = i;
            }

            var sql = $"INSERT INTO {StoreRepository.Quote(table)} ({string.Join(", ", target.Select(StoreRepository.Quote))}) " +
                      $"VALUES ({string.Join(", ", target.Select(_ => "?"))})";
            return new InsertPlan(writer._connection, table, sql, target, index, isOps: false, exportColumns);
        }

        public static InsertPlan ForOpsEvents(IReadOnlyList<string> exportColumns, long line, ImportWriter writer)
        {
            var target = StoreSchema.OpsEventColumns;
            var index = new int[target.Length];
            for (var i = 0; i < target.Length; i++)
            {
                index[i] = -1;
                for (var j = 0; j < exportColumns.Count; j++)
                {
                    if (exportColumns[j].Equals(target[i], StringComparison.OrdinalIgnoreCase))
                    {
                        index[i] = j;
                    }
                }
            }

            foreach (var required in (string[])["id", "occurred_at", "event_type"])
            {
                if (index[Array.IndexOf(target, required)] < 0)
                {
                    throw new ExportRejectedException(line, $"ops_events rows have no {required} column; see the ops_events contract in the README");
                }
            }

            // Columns outside the contract are ignored, so producers can add their own.
            var sql = $"INSERT OR IGNORE INTO ops_events ({string.Join(", ", target)}) VALUES ({string.Join(", ", target.Select(_ => "?"))})";
            return new InsertPlan(writer._connection, StoreSchema.OpsEvents, sql, target, index, isOps: true, exportColumns);
        }

        public void Write(object?[] row, long line, ImportWriter writer)
        {
            if (row.Length != _width)
            {
                throw new ExportRejectedException(line, $"row has {row.Length} values where {_width} columns are expected");
            }

            for (var i = 0; i < _values.Length; i++)
            {
                var value = _sourceIndex[i] < 0 ? null : row[_sourceIndex[i]];
                if (!_isOps && value is string text && OpsEventContract.Utf8Length(text) < 0)
                {
                    // Such a string has no UTF-8 form: SQLite would get U+FFFD, or the binding throws.
                    throw new ExportRejectedException(line, $"table {_table}, column {_names[i]}: text is not valid (a lone UTF-16 surrogate)");
                }

                // ops_events' occurred_at is checked (and normalised) by the contract, which quarantines instead.
                if (_isTimestamp[i] && (!_isOps || writer._contract is null) && value is not null)
                {
                    try
                    {
                        value = TimestampNormalizer.ToUnixMs(value);
                    }
                    catch (FormatException e)
                    {
                        throw new ExportRejectedException(line, $"column {_names[i]}: {e.Message}");
                    }
                }

                _values[i] = value;
            }

            if (_isOps && writer._contract?.Check(_values) is { } reason)
            {
                writer.Quarantine(line, reason, _exportColumns, row);
                return;
            }

            for (var i = 0; i < _values.Length; i++)
            {
                var value = _values[i];
                if (value is null && _boundNull[i])
                {
                    continue; // bindings survive sqlite3_reset: a NULL bound for the previous row still holds
                }

                _boundNull[i] = value is null;
                Check(value switch
                {
                    null => raw.sqlite3_bind_null(_statement, i + 1),
                    long l => raw.sqlite3_bind_int64(_statement, i + 1, l),
                    double d => raw.sqlite3_bind_double(_statement, i + 1, d),
                    string s => BindText(i + 1, s),
                    byte[] b => raw.sqlite3_bind_blob(_statement, i + 1, b),
                    int n => raw.sqlite3_bind_int64(_statement, i + 1, n),
                    bool f => raw.sqlite3_bind_int64(_statement, i + 1, f ? 1 : 0),
                    var other => BindText(i + 1, Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                });
            }

            var step = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (step != raw.SQLITE_DONE)
            {
                Check(step);
            }

            if (_isOps)
            {
                writer.NewEvents += raw.sqlite3_changes(_connection.Handle);
            }
        }

        // UTF-8 into one reused buffer (SQLite copies it): no allocation per value on a million-row import.
        private int BindText(int index, string text)
        {
            if (text.Length == 0)
            {
                return raw.sqlite3_bind_text(_statement, index, ""); // an empty span would bind NULL
            }

            var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_utf8.Length < needed)
            {
                _utf8 = new byte[Math.Max(needed, _utf8.Length * 2)];
            }

            var length = Encoding.UTF8.GetBytes(text, _utf8);
            return raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length));
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), rc);
            }
        }

        public void Dispose() => _statement.Dispose();
    }
}

/// <summary>A VibeSDK table an export would empty or shrink by more than half.</summary>
public sealed record TableShrink(string Table, long Before, long After)
{
    public override string ToString()
    {
        var percent = Before == 0 ? 0 : (int)Math.Round(100d * (Before - After) / Before);
        return $"{Table} would shrink from {Before} to {After} rows (\u2212{percent} %)";
    }
}

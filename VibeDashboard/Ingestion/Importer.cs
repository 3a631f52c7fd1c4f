using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>The result of one import: its history row and the rows read per table.</summary>
public sealed record ImportResult(ImportRecord Record, IReadOnlyList<TableCount> Tables)
{
    public bool Succeeded => Record.Succeeded;

    public bool Held => Record.Held;
}

/// <summary>
/// Imports one D1 export (a <c>wrangler d1 export</c> dump or a SQLite database file) into the store.
/// The whole import is one write transaction: readers keep seeing the previous data (WAL) until it
/// commits, and a rejected, failed or killed import leaves nothing behind but its history row.
/// </summary>
public sealed class Importer(
    SqliteConnectionFactory connections,
    StoreSchema schema,
    ImportHistoryRepository history,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<Importer> logger)
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    // Another process (a cron job's `import`) may hold the write lock past busy_timeout.
    private static readonly ResiliencePipeline BusyRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<SqliteException>(e => e.SqliteErrorCode is 5 or 6),
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
        })
        .Build();

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Raised after a successful import commits (the aggregator recomputes, pages refresh).</summary>
    public event Action<ImportRecord>? Imported;

    public Task<ImportResult> ImportFileAsync(string path, CancellationToken cancellationToken = default) =>
        ImportFileAsync(path, ImportRequest.Default, cancellationToken);

    /// <summary>
    /// Imports one export. The outcome is on the result's record: Succeeded (possibly with quarantined rows),
    /// Rejected, Failed, or Held when it would empty or halve a VibeSDK table and <see cref="ImportRequest.AllowShrink"/>
    /// is off — then nothing is applied and the reason says which tables.
    /// </summary>
    public async Task<ImportResult> ImportFileAsync(string path, ImportRequest request, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await BusyRetry.ExecuteAsync(async ct => await ImportOnceAsync(path, request, ct), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ImportResult> ImportOnceAsync(string path, ImportRequest request, CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        var source = Path.GetFullPath(path);
        var record = new ImportRecord { Source = source, StartedAt = startedAt.ToUnixTimeMilliseconds() };
        IReadOnlyList<TableCount> tables = [];
        await using var connection = await connections.OpenAsync(cancellationToken);
        SqliteTransaction? transaction = null;
        try
        {
            // BEGIN IMMEDIATE: take the write lock now rather than failing to upgrade halfway through.
            transaction = connection.BeginTransaction(deferred: false);
            await WipeDemoDataAsync(connection, transaction);
            var bulkLoad = await DeferTimeIndexIfEmptyAsync(connection, transaction);
            var contract = new OpsEventContract(options.Value, startedAt);
            using var writer = ImportWriter.Open(connection, transaction, record.StartedAt, contract, options.Value.MaxQuarantinedFraction);
            record.ContentHash = IsSqliteFile(path)
                ? await ReadSqliteFileAsync(path, writer, cancellationToken)
                : await ReadDumpAsync(path, writer, cancellationToken);
            writer.Complete();
            tables = writer.Rows;
            record.RowsJson = ImportHistoryRepository.RowsToJson(tables.ToDictionary(t => t.Table, t => t.Rows));
            record.TotalRows = tables.Sum(t => t.Rows);
            record.QuarantinedRows = writer.Quarantined;
            if (writer.Shrinks is { Count: > 0 } shrinks && !request.AllowShrink)
            {
                throw new ImportHeldException(shrinks);
            }

            if (bulkLoad)
            {
                await ExecuteAsync(connection, transaction, StoreSchema.OccurredAtIndexSql);
            }

            record.NewEvents = writer.NewEvents;
            record.DurationMs = stopwatch.ElapsedMilliseconds;
            record.Outcome = nameof(ImportOutcome.Succeeded);
            record.Id = await history.AddAsync(record, connection, transaction, cancellationToken);
            writer.AssignQuarantine(record.Id);
            if (request.BeforeCommit is { } beforeCommit)
            {
                await beforeCommit(new ImportCommit(connection, transaction, record, writer.Shrinks), cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Imported {Source}: {Rows} rows ({NewEvents} new events, {Quarantined} quarantined) in {Ms} ms",
                source, record.TotalRows, record.NewEvents, record.QuarantinedRows, record.DurationMs);
            NotifyImported(record);
            return new ImportResult(record, tables);
        }
        catch (ImportHeldException e)
        {
            // Nothing applied: the reason and the hash stay on the history row, so the page can offer "Apply anyway"
            // for exactly this file. The rows it would have written are kept on the row for the operator to compare.
            await RollbackAsync(transaction);
            record.Outcome = nameof(ImportOutcome.Held);
            record.Error = e.Message;
            record.DurationMs = stopwatch.ElapsedMilliseconds;
            record.NewEvents = 0;
            record.QuarantinedRows = 0; // rolled back with everything else; the page lists none for a held import
            transaction?.Dispose();
            transaction = null;
            logger.LogWarning("Held export {Source}: {Reason}", source, e.Message);
            record.Id = await history.AddAsync(record, cancellationToken: cancellationToken);
            return new ImportResult(record, tables);
        }
        catch (ExportRejectedException e)
        {
            await RollbackAsync(transaction);
            record.QuarantinedRows = 0;
            record.Outcome = nameof(ImportOutcome.Rejected);
            record.Error = e.Message;
            record.ErrorLine = e.Line > 0 ? e.Line : null;
            record.ContentHash ??= await TryHashRejectedAsync(path, cancellationToken);
            logger.LogWarning("Rejected export {Source}: {Error}", source, e.Message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or SqliteException { SqliteErrorCode: 5 or 6 }))
        {
            // Anything else is a failure with its reason on the history row, never an exception out of the import
            // (busy is retried above, cancellation is the caller's). Expected kinds are logged without a stack trace.
            await RollbackAsync(transaction);
            record.QuarantinedRows = 0;
            record.Outcome = nameof(ImportOutcome.Failed);
            record.Error = ImportFailures.Describe(e);
            if (ImportFailures.IsExpected(e))
            {
                logger.LogWarning("Import of {Source} failed: {Error}", source, record.Error);
            }
            else
            {
                logger.LogError(e, "Import of {Source} failed unexpectedly: {Error}", source, record.Error);
            }
        }
        finally
        {
            transaction?.Dispose();
        }

        record.DurationMs = stopwatch.ElapsedMilliseconds;
        record.RowsJson = "{}";
        record.TotalRows = 0;
        record.Id = await history.AddAsync(record, cancellationToken: cancellationToken);
        return new ImportResult(record, []);
    }

    /// <summary>
    /// The hash of a rejected export, so the watcher knows this content was judged and waits for a newer file. An
    /// oversized SQLite input is not read again for it; an unreadable file simply has none.
    /// </summary>
    private async Task<string?> TryHashRejectedAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var length = new FileInfo(path).Length;
            return length > options.Value.MaxSqliteInputBytes && IsSqliteFile(path) ? null : await HashFileAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The import has committed: a subscriber that throws (the aggregator, the status monitor) must neither turn
    /// it into a "Failed" history row nor keep the other subscribers from hearing of it.
    /// </summary>
    private void NotifyImported(ImportRecord record)
    {
        foreach (var subscriber in Imported?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<ImportRecord>)subscriber)(record);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A subscriber failed after {Source} was imported", record.Source);
            }
        }
    }

    private static async Task RollbackAsync(SqliteTransaction? transaction)
    {
        if (transaction?.Connection is not null)
        {
            await transaction.RollbackAsync();
        }
    }

    /// <summary>The first real import replaces the generated demo data entirely.</summary>
    private static async Task WipeDemoDataAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = "SELECT value FROM _vd_meta WHERE key = 'demo'";
        if (await check.ExecuteScalarAsync() as string != "1")
        {
            return;
        }

        await DemoSeeder.ClearAsync(connection, transaction);
    }

    /// <summary>
    /// Into an empty ops_events (a first import), the time index is built once after the load: a sorted
    /// build is several times cheaper than maintaining it row by row. Rolled back with everything else.
    /// </summary>
    private static async Task<bool> DeferTimeIndexIfEmptyAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = "SELECT NOT EXISTS (SELECT 1 FROM ops_events)";
        if (Convert.ToInt64(await check.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return false;
        }

        await ExecuteAsync(connection, transaction, StoreSchema.DropOccurredAtIndexSql);
        return true;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    public static bool IsSqliteFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[16];
        return stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.SequenceEqual(SqliteHeader);
    }

    /// <summary>SHA-256 of a file, as stored in the import history (the worker skips unchanged exports).</summary>
    public static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private const int BatchSize = 256;

    private const int MaxBatchChars = 1 << 20;

    /// <summary>
    /// Reads and parses on one thread while this one writes, so validation costs no wall time on a
    /// multi-core machine. Statements are applied strictly in file order; the first error by line wins.
    /// </summary>
    private async Task<string> ReadDumpAsync(string path, ImportWriter writer, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ExportStatement[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(path, channel.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(CancellationToken.None))
            {
                foreach (var statement in batch)
                {
                    writer.Apply(statement);
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch
        {
            await stop.CancelAsync();
            await producer.ContinueWith(static _ => { }, TaskScheduler.Default); // observe, its error is later in the file
            throw;
        }

        return await producer;
    }

    private string Produce(string path, ChannelWriter<ExportStatement[]> output, CancellationToken cancellationToken)
    {
        try
        {
            var limits = ExportLimits.From(options.Value);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            using var hashing = new HashingStream(stream);
            // Strict UTF-8: a binary or UTF-16 file fed as a dump is rejected at the line of its first bad byte
            // instead of importing garbage.
            using var text = SqlDumpReader.OpenText(hashing);
            var batch = new List<ExportStatement>(BatchSize);
            var batchChars = 0L;
            foreach (var statement in new SqlDumpReader(text, limits.MaxStatementChars).ReadAll())
            {
                batch.Add(StatementParser.Parse(statement, limits));
                batchChars += statement.Text.Length;
                // Cut by size too: 256 statements of 16 MB each (or rows of many values) must not be held at once.
                if (batch.Count == BatchSize || batchChars >= MaxBatchChars)
                {
                    Send(output, batch, cancellationToken);
                    batchChars = 0;
                }
            }

            Send(output, batch, cancellationToken);
            output.Complete();
            return hashing.HashHex();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }
    }

    private static void Send(ChannelWriter<ExportStatement[]> output, List<ExportStatement> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var items = batch.ToArray();
        batch.Clear();
        if (!output.TryWrite(items))
        {
            output.WriteAsync(items, cancellationToken).AsTask().GetAwaiter().GetResult();
        }
    }

    private const string SchemaSql = "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid";

    /// <summary>
    /// A SQLite database file, read as data and nothing else: its size is checked before it is hashed; it is opened
    /// read-only and immutable (no lock, no <c>-shm</c>/<c>-wal</c> beside the user's file, the folder untouched) with
    /// trusted_schema off; views and triggers are never read; generated columns are left out, so no expression of
    /// the file is evaluated; every value is measured before it is loaded (Ingestion:MaxValueBytes). Tables are read
    /// row by row through the same writer as a dump.
    /// </summary>
    private async Task<string> ReadSqliteFileAsync(string path, ImportWriter writer, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        CheckSqliteInputSize(path, settings);
        CheckNoPendingJournal(path);
        var hash = await HashFileAsync(path, cancellationToken);
        var inStore = false;
        try
        {
            await using var source = await OpenSqliteInputAsync(path, cancellationToken);
            foreach (var (name, sql) in await ReadTablesAsync(source, cancellationToken))
            {
                var generated = await GeneratedColumnsAsync(source, name, settings, cancellationToken);
                CreateTableStatement create;
                try
                {
                    create = StatementParser.ParseCreateTable(sql, name, ExportLimits.From(settings));
                    // Generated columns hold computed values, not data: the store gets the table without them.
                    create = create with { Columns = create.Columns.Where(c => !generated.Contains(c)).ToList() };
                    inStore = true;
                    writer.Apply(create);
                    inStore = false;
                }
                catch (ExportRejectedException e) when (e.Line == 0)
                {
                    throw new ExportRejectedException(0, $"table {name}: {e.Reason}");
                }

                await ReadRowsAsync(source, create, writer, settings.MaxValueBytes, () => inStore = true, () => inStore = false, cancellationToken);
            }
        }
        catch (SqliteException e) when (!inStore && e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            // The user's file is damaged: retrying will not help until it changes, so it is a rejection.
            throw new ExportRejectedException(0, $"the SQLite input is not a readable database ({ImportFailures.Describe(e)})");
        }

        return hash;
    }

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private static void CheckSqliteInputSize(string path, IngestionOptions settings)
    {
        var length = new FileInfo(path).Length;
        if (length > settings.MaxSqliteInputBytes)
        {
            throw new ExportRejectedException(0,
                $"the SQLite input is {FormatBytes(length)}, over Ingestion:MaxSqliteInputBytes ({FormatBytes(settings.MaxSqliteInputBytes)})");
        }
    }

    /// <summary>
    /// Opened immutable, SQLite reads the main file only: committed pages still in a <c>-wal</c>, or a hot
    /// <c>-journal</c> of an interrupted write, would be silently missed or half-applied. Rather than touch the
    /// user's files to recover them, the input is rejected with what to do.
    /// </summary>
    private static void CheckNoPendingJournal(string path)
    {
        foreach (var suffix in (string[])["-wal", "-journal"])
        {
            var beside = new FileInfo(path + suffix);
            if (beside.Exists && beside.Length > 0)
            {
                throw new ExportRejectedException(0,
                    $"the SQLite input has a non-empty {beside.Name} beside it (changes not yet written into the file): checkpoint it first, e.g. sqlite3 <file> 'PRAGMA wal_checkpoint(TRUNCATE)', or export with .backup");
            }
        }
    }

    private static async Task<SqliteConnection> OpenSqliteInputAsync(string path, CancellationToken cancellationToken)
    {
        // A URI filename: immutable=1 means no locking and no -shm/-wal, so nothing is created beside the file.
        var uri = "file:" + Path.GetFullPath(path).Replace("%", "%25", StringComparison.Ordinal)
            .Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal) + "?immutable=1";
        var connectionString = new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var source = new SqliteConnection(connectionString);
        try
        {
            await source.OpenAsync(cancellationToken);
            using var pragma = source.CreateCommand();
            pragma.CommandText = "PRAGMA trusted_schema=OFF; PRAGMA query_only=ON; PRAGMA cell_size_check=ON;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return source;
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    private static async Task<List<(string Name, string Sql)>> ReadTablesAsync(SqliteConnection source, CancellationToken cancellationToken)
    {
        var tables = new List<(string Name, string Sql)>();
        using var cmd = source.CreateCommand();
        cmd.CommandText = SchemaSql;
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(1);
            // sqlite_* are SQLite's own; _cf_* are D1's internal tables (a local Miniflare database has them).
            // Views and triggers are not data and are never read.
            if (reader.GetString(0) == "table" && !name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("_cf_", StringComparison.OrdinalIgnoreCase))
            {
                tables.Add((name, reader.GetString(2)));
            }
        }

        return tables;
    }

    /// <summary>The table's generated (or otherwise hidden) columns: PRAGMA table_xinfo's hidden is 2 or 3 for generated ones.</summary>
    private static async Task<HashSet<string>> GeneratedColumnsAsync(SqliteConnection source, string table, IngestionOptions settings, CancellationToken cancellationToken)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var count = 0;
        using var cmd = source.CreateCommand();
        cmd.CommandText = "SELECT name, hidden FROM pragma_table_xinfo($table)";
        cmd.Parameters.AddWithValue("$table", table);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (++count > settings.MaxColumns)
            {
                throw new ExportRejectedException(0, $"table {table} has more than {settings.MaxColumns} columns, over Ingestion:MaxColumns");
            }

            if (reader.GetInt64(1) != 0)
            {
                columns.Add(reader.GetString(0));
            }
        }

        return columns;
    }

    /// <summary>
    /// For each column the query returns its size in bytes (octet_length, read from the record header without
    /// loading the value) and the value itself only when it is within the limit, so an oversized value is
    /// reported without ever being allocated.
    /// </summary>
    private static async Task ReadRowsAsync(SqliteConnection source, CreateTableStatement create, ImportWriter writer, int maxValueBytes,
        Action enterStore, Action leaveStore, CancellationToken cancellationToken)
    {
        if (create.Columns.Count == 0)
        {
            return;
        }

        using var select = source.CreateCommand();
        select.CommandText = $"SELECT {string.Join(", ", create.Columns.Select(c => StoreRepository.Quote(c)).Select(q => $"octet_length({q}), CASE WHEN octet_length({q}) > $max THEN NULL ELSE {q} END"))} FROM {StoreRepository.Quote(create.Table)}";
        select.Parameters.AddWithValue("$max", maxValueBytes);
        await using var rows = await select.ExecuteReaderAsync(cancellationToken);
        long rowNumber = 0;
        var values = new object?[create.Columns.Count];
        while (await rows.ReadAsync(cancellationToken))
        {
            rowNumber++;
            for (var i = 0; i < values.Length; i++)
            {
                if (!rows.IsDBNull(2 * i) && rows.GetInt64(2 * i) is var bytes && bytes > maxValueBytes)
                {
                    throw new ExportRejectedException(0,
                        $"table {create.Table}, row {rowNumber}: column {create.Columns[i]} holds {FormatBytes(bytes)}, over Ingestion:MaxValueBytes ({FormatBytes(maxValueBytes)})");
                }

                values[i] = rows.IsDBNull(2 * i + 1) ? null : rows.GetValue(2 * i + 1);
            }

            try
            {
                enterStore();
                writer.ApplyRow(create.Table, create.Columns, values, rowNumber);
                leaveStore();
            }
            catch (ExportRejectedException e)
            {
                throw new ExportRejectedException(0, $"table {create.Table}, row {rowNumber}: {e.Reason}");
            }
        }
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes",
    };

    /// <summary>Hashes what is read through it, so a dump is hashed in the same single pass that imports it.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            _hash.AppendData(buffer, offset, read);
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _hash.AppendData(buffer[..read]);
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

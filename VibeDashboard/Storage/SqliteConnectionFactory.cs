using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Storage;

/// <summary>Opens connections to the store. One connection per operation; WAL lets readers go on during an import.</summary>
public sealed class SqliteConnectionFactory
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private int _initialised;

    public SqliteConnectionFactory(IOptions<StorageOptions> options)
    {
        var path = System.IO.Path.GetFullPath(options.Value.Path);
        StorePath = path;
        _busyTimeoutMs = options.Value.BusyTimeoutMs;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Exports are not in foreign-key order, and the store keeps no foreign keys anyway.
            ForeignKeys = false,
            Pooling = true,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();
    }

    public string StorePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _initialised) == 0)
        {
            EnsureFolder();
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var pragma = connection.CreateCommand();
            // busy_timeout is per connection; journal_mode=WAL is persistent and only needs setting once per file.
            pragma.CommandText = Volatile.Read(ref _initialised) == 0
                ? $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={_busyTimeoutMs}; PRAGMA synchronous=NORMAL;"
                : $"PRAGMA busy_timeout={_busyTimeoutMs}; PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            Volatile.Write(ref _initialised, 1);
            return connection;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCantOpen or SqliteNotADatabase)
        {
            await connection.DisposeAsync();
            // SQLite's own words name no file; an operator needs to know it is the store (not the export) and which.
            throw new SqliteException(
                e.SqliteErrorCode == SqliteNotADatabase
                    ? $"the store {StorePath} is not a SQLite database ({e.Message})"
                    : $"the store {StorePath} cannot be opened or created ({e.Message})",
                e.SqliteErrorCode,
                e.SqliteExtendedErrorCode);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    private void EnsureFolder()
    {
        var dir = System.IO.Path.GetDirectoryName(StorePath);
        if (string.IsNullOrEmpty(dir))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"the store's folder {dir} cannot be created ({e.Message})", e);
        }
    }
}

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
            var dir = System.IO.Path.GetDirectoryName(StorePath);
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        // busy_timeout is per connection; journal_mode=WAL is persistent and only needs setting once per file.
        pragma.CommandText = Interlocked.Exchange(ref _initialised, 1) == 0
            ? $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={_busyTimeoutMs}; PRAGMA synchronous=NORMAL;"
            : $"PRAGMA busy_timeout={_busyTimeoutMs}; PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}

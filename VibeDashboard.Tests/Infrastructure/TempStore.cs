using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Configuration;
using VibeDashboard.Hosting;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>A store in a temporary folder with the app's real store services, deleted on dispose.</summary>
public sealed class TempStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public TempStore(IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        StorePath = Path.Combine(Directory, "store.db");
        var values = new Dictionary<string, string?>
        {
            ["Storage:Path"] = StorePath,
            ["Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 21, 0, 0, TimeSpan.Zero)));
        services.AddVibeDashboardStore(configuration);
        services.AddVibeDashboardOperations(configuration);
        _services = services.BuildServiceProvider();
    }

    public string Directory { get; }

    public string StorePath { get; }

    public IServiceProvider Services => _services;

    public Importer Importer => _services.GetRequiredService<Importer>();

    public StoreRepository Store => _services.GetRequiredService<StoreRepository>();

    public ImportHistoryRepository History => _services.GetRequiredService<ImportHistoryRepository>();

    public SqliteConnectionFactory Connections => _services.GetRequiredService<SqliteConnectionFactory>();

    public Task<ImportResult> ImportAsync(string path, CancellationToken cancellationToken = default) => Importer.ImportFileAsync(path, cancellationToken);

    /// <summary>Writes a dump into the temp folder and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = await Connections.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {StoreRepository.Quote(table)}";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await Connections.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed on purpose may still hold the file for a moment; the OS temp cleaner gets it.
        }
    }
}

public static class Fixtures
{
    public static string Wrangler(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "wrangler", name);

    public static string Handwritten(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "handwritten", name);
}

using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Operations.Commands;

/// <summary>
/// The real pipeline and audit log as the host registers them (CommandHosting), on a store of its own or on
/// another harness's store (a second process), with the note commands registered and a fake clock.
/// </summary>
public sealed class CommandHarness : IAsyncDisposable
{
    public static readonly Actor Operator = new("olivia@example.com", ActorKind.User, DashboardRole.Operator, "192.0.2.10", "Mozilla/5.0 test");
    public static readonly Actor Viewer = new("wall", ActorKind.Token, DashboardRole.Viewer, "192.0.2.20", "curl/8");
    public static readonly Actor Admin = new("ada@example.com", ActorKind.User, DashboardRole.Admin, "192.0.2.30", "Mozilla/5.0 test");

    private readonly ServiceProvider _services;
    private readonly string? _ownedDirectory;

    public CommandHarness(string? storePath = null, FakeTimeProvider? time = null)
    {
        if (storePath is null)
        {
            _ownedDirectory = Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_ownedDirectory);
            storePath = Path.Combine(_ownedDirectory, "store.db");
        }

        StorePath = storePath;
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = storePath,
            ["Demo:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Time);
        services.AddVibeDashboardStore(configuration);
        services.AddVibeDashboardCommands();
        services.AddSingleton(Counter);
        services.AddCommandHandler<SetNote, Note, SetNoteHandler>();
        services.AddCommandHandler<ExplodingNote, Note, ExplodingNoteHandler>();
        _services = services.BuildServiceProvider();
    }

    public string StorePath { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _services;

    public NoteCounter Counter { get; } = new();

    public ICommandPipeline Pipeline => _services.GetRequiredService<ICommandPipeline>();

    public AuditLog Log => _services.GetRequiredService<AuditLog>();

    public AuditVerifier Verifier => _services.GetRequiredService<AuditVerifier>();

    public async Task<CommandHarness> InitializeAsync()
    {
        await _services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await ExecuteAsync(SetNoteHandler.CreateTableSql);
        return this;
    }

    public Task<CommandResult<Note>> SendAsync(ICommand<Note> command, Actor? actor = null) => Pipeline.SendAsync(command, actor ?? Operator);

    /// <summary>Raw SQL on the store, as someone with the file would run it (the tests' tampering).</summary>
    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await _services.GetRequiredService<SqliteConnectionFactory>().OpenAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await _services.GetRequiredService<SqliteConnectionFactory>().OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<Note?> NoteAsync(string id)
    {
        await using var connection = await _services.GetRequiredService<SqliteConnectionFactory>().OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Note>("SELECT id, text, version FROM test_notes WHERE id = @id", new { id });
    }

    /// <summary>Every entry, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync() =>
        (await Log.QueryAsync(new AuditQuery(Limit: AuditQuery.MaxLimit))).Entries.Reverse().ToList();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_ownedDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

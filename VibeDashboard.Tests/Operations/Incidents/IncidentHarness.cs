using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Notifications;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary>
/// The app's store, command pipeline, notifications and incident services on a temporary store, with a fake clock,
/// a hand-fed metrics feed (SLO alert history) and one webhook subscribed to <c>incident.*</c> (its deliveries are
/// only enqueued: the dispatcher is not started).
/// </summary>
public sealed class IncidentHarness : IAsyncDisposable
{
    public static readonly Actor Operator = new("olivia@example.com", ActorKind.User, DashboardRole.Operator, "192.0.2.10", "Mozilla/5.0 test");
    public static readonly Actor Viewer = new("wall", ActorKind.Token, DashboardRole.Viewer);

    private readonly ServiceProvider _services;
    private readonly string _directory;

    public IncidentHarness(IDictionary<string, string?>? settings = null)
    {
        _directory = Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var values = new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(_directory, "store.db"),
            ["Demo:Enabled"] = "false",
            ["Notifications:Webhooks:0:Name"] = "ops",
            ["Notifications:Webhooks:0:Url"] = "http://127.0.0.1:9/hook",
            ["Notifications:Webhooks:0:Secret"] = "s3cret",
            ["Notifications:Webhooks:0:Events:0"] = "incident.*",
            ["Notifications:Webhooks:0:Format"] = "json",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IMetricsFeed>(Metrics);
        services.AddVibeDashboardStore(configuration);
        services.AddVibeDashboardOperations(configuration);
        services.AddVibeDashboardNotifications(configuration);
        services.AddVibeDashboardIncidents(configuration);
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

    public FakeMetricsFeed Metrics { get; } = new();

    public IServiceProvider Services => _services;

    public ICommandPipeline Pipeline => _services.GetRequiredService<ICommandPipeline>();

    public IIncidentBoard Board => _services.GetRequiredService<IIncidentBoard>();

    public IIncidentSignalSink Sink => _services.GetRequiredService<IIncidentSignalSink>();

    public DeliveryLog Deliveries => _services.GetRequiredService<DeliveryLog>();

    public AuditLog Audit => _services.GetRequiredService<AuditLog>();

    public Task<CommandResult<IncidentSummary>> SendAsync(IncidentCommand command, Actor? actor = null) => Pipeline.SendAsync(command, actor ?? Operator);

    public async Task<IncidentSummary> OkAsync(IncidentCommand command, Actor? actor = null)
    {
        var result = await SendAsync(command, actor);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    public Task<IncidentSummary> DeclareAsync(Severity severity = Severity.Sev3, string title = "Checkout is slow", string? key = null) =>
        OkAsync(new DeclareIncidentCommand(IncidentClass.Unclassified, title, severity, key));

    public async Task<IncidentDetail> DetailAsync(long number) => (await Board.GetAsync(number, CancellationToken.None))!;

    /// <summary>Every audit entry, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync() =>
        (await Audit.QueryAsync(new AuditQuery(Limit: AuditQuery.MaxLimit))).Entries.Reverse().ToList();

    /// <summary>The events enqueued for the webhook, oldest first.</summary>
    public async Task<IReadOnlyList<string>> EventsAsync() =>
        (await Deliveries.ListAsync(new DeliveryQuery(Limit: 10_000))).OrderBy(d => d.OutboxId).Select(d => d.Event).ToList();

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await _services.GetRequiredService<SqliteConnectionFactory>().OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

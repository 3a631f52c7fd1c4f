using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>
/// The app's store, command pipeline, notifications, incidents and rollout services on a temporary store, with a fake
/// clock, a hand-fed metrics feed and one webhook subscribed to <c>rollout.*</c> (deliveries only enqueued).
/// </summary>
public sealed class RolloutHarness : IAsyncDisposable
{
    public static readonly Actor Operator = new("olivia@example.com", ActorKind.User, DashboardRole.Operator, "192.0.2.10", "Mozilla/5.0 test");
    public static readonly Actor Admin = new("ada@example.com", ActorKind.User, DashboardRole.Admin, "192.0.2.11", "Mozilla/5.0 test");
    public static readonly Actor Viewer = new("wall", ActorKind.Token, DashboardRole.Viewer);

    private readonly ServiceProvider _services;
    private readonly string _directory;
    private readonly bool _ownsDirectory;

    /// <summary>A fresh store; or, given <paramref name="directory"/>, another process's store (a restart), left in place on dispose.</summary>
    public RolloutHarness(string? directory = null, DateTimeOffset? now = null, IDictionary<string, string?>? settings = null)
    {
        _ownsDirectory = directory is null;
        _directory = directory ?? Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(_directory);
        Time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(_directory, "store.db"),
            ["Demo:Enabled"] = "false",
            ["Notifications:Webhooks:0:Name"] = "platform",
            ["Notifications:Webhooks:0:Url"] = "http://127.0.0.1:9/hook",
            ["Notifications:Webhooks:0:Secret"] = "s3cret",
            ["Notifications:Webhooks:0:Events:0"] = "rollout.*",
            ["Notifications:Webhooks:0:Format"] = "json",
        }.Concat(settings ?? new Dictionary<string, string?>()).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value)).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IMetricsFeed>(Metrics);
        services.AddVibeDashboardStore(configuration);
        services.AddVibeDashboardOperations(configuration);
        services.AddVibeDashboardNotifications(configuration);
        services.AddVibeDashboardIncidents(configuration);
        services.AddVibeDashboardRollouts(configuration);
        services.AddVibeDashboardDemoFaults();
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; }

    public string Directory => _directory;

    public FakeMetricsFeed Metrics { get; } = new();

    public IServiceProvider Services => _services;

    public ICommandPipeline Pipeline => _services.GetRequiredService<ICommandPipeline>();

    public IRolloutBoard Board => _services.GetRequiredService<IRolloutBoard>();

    public DeliveryLog Deliveries => _services.GetRequiredService<DeliveryLog>();

    public AuditLog Audit => _services.GetRequiredService<AuditLog>();

    /// <summary>Two waves (internal, then pro; 1 min observation, 10 events) and one metric gate: completion ≥ 0.95 over 30 min.</summary>
    public static RolloutDefinition Definition(bool autoPromote = false) => new(
        "vibesdk 2026.12",
        "2026.12.1",
        TimeSpan.FromMinutes(1),
        autoPromote,
        [new WaveDefinition(["internal"], TimeSpan.FromMinutes(1), 10), new WaveDefinition(["pro"], TimeSpan.FromMinutes(1), 10)],
        [new GateDefinition("completion", Metric: MetricKeys.CompletionSuccessRate, Window: "30m", Op: GateOperator.AtLeast, Threshold: 0.95)]);

    /// <summary>The real aggregator over the store of <paramref name="services"/>, on <paramref name="time"/>, default options (ticked by hand).</summary>
    public static MetricsAggregator Aggregator(IServiceProvider services, TimeProvider time)
    {
        var connections = services.GetRequiredService<VibeDashboard.Storage.SqliteConnectionFactory>();
        var schema = services.GetRequiredService<VibeDashboard.Storage.StoreSchema>();
        return new MetricsAggregator(
            connections,
            schema,
            services.GetRequiredService<VibeDashboard.Storage.StoreRepository>(),
            services.GetRequiredService<VibeDashboard.Storage.ImportHistoryRepository>(),
            new AlertHistoryRepository(connections, schema),
            services.GetRequiredService<VibeDashboard.Ingestion.Importer>(),
            Microsoft.Extensions.Options.Options.Create(new VibeDashboard.Configuration.AggregationOptions()),
            Microsoft.Extensions.Options.Options.Create(new VibeDashboard.Configuration.SloOptions()),
            time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MetricsAggregator>.Instance);
    }

    public Task<CommandResult<RolloutView>> SendAsync(RolloutCommand command, Actor? actor = null) => Pipeline.SendAsync(command, actor ?? Operator);

    public async Task<RolloutView> OkAsync(RolloutCommand command, Actor? actor = null)
    {
        var result = await SendAsync(command, actor);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    public Task<RolloutView> CreateAsync(RolloutDefinition? definition = null) => OkAsync(new CreateRolloutCommand(definition ?? Definition()));

    /// <summary>Created and started by an admin overriding the (unjudgeable, empty-store) readiness.</summary>
    public async Task<RolloutView> StartedAsync(RolloutDefinition? definition = null)
    {
        var created = await CreateAsync(definition);
        return await OkAsync(new RolloutControlCommand(created.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = created.Version, Reason = "staging soak done by hand" }, Admin);
    }

    /// <summary>A round of the completion gate at the clock's time, sent as the check loop sends it.</summary>
    public Task<CommandResult<RolloutView>> RoundAsync(RolloutView rollout, GateResult result, double value, long sample = 100) =>
        Pipeline.SendAsync(new RolloutCheckRoundCommand(rollout.Id, new RolloutInput.CheckRound(Time.GetUtcNow(),
            [new GateCheck("completion", GateKind.Metric, result, value, 0.95, sample, Time.GetUtcNow(), $"{value} against >= 0.95", [])], sample, []))
        { ExpectedVersion = rollout.Version }, Actor.System());

    /// <summary>Every audit entry, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync() =>
        (await Audit.QueryAsync(new AuditQuery(Limit: AuditQuery.MaxLimit))).Entries.Reverse().ToList();

    /// <summary>The events enqueued for the webhook, oldest first.</summary>
    public async Task<IReadOnlyList<string>> EventsAsync() =>
        (await Deliveries.ListAsync(new DeliveryQuery(Limit: 10_000))).OrderBy(d => d.OutboxId).Select(d => d.Event).ToList();

    /// <summary>The outbox's payload of the last <paramref name="event"/>, and its aggregate.</summary>
    public async Task<(string Aggregate, string Payload)> LastOutboxAsync(string @event)
    {
        await using var connection = await _services.GetRequiredService<VibeDashboard.Storage.SqliteConnectionFactory>().OpenAsync();
        return await Dapper.SqlMapper.QuerySingleAsync<(string, string)>(connection,
            "SELECT aggregate, payload_json FROM _vd_outbox WHERE event = @event ORDER BY id DESC LIMIT 1", new { @event });
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

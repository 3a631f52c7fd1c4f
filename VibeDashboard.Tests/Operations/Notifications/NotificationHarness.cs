using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Operations.Notifications;

/// <summary>
/// The app's store, operations and notification services on one store file, with a fake clock and a test command
/// that writes an event to the outbox. The hosted dispatcher is not started: tests drive it with
/// <see cref="WebhookDispatcher.RunOnceAsync"/>. Disposing and building another on the same store is a restart.
/// </summary>
public sealed class NotificationHarness : IAsyncDisposable
{
    public static readonly Actor Operator = new("olivia@example.com", ActorKind.User, DashboardRole.Operator);
    public static readonly Actor Admin = new("ada@example.com", ActorKind.User, DashboardRole.Admin);

    private readonly ServiceProvider _services;

    public NotificationHarness(string storePath, FakeTimeProvider time, IDictionary<string, string?> settings)
    {
        StorePath = storePath;
        Time = time;
        var values = new Dictionary<string, string?>
        {
            ["Storage:Path"] = storePath,
            ["Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddVibeDashboardStore(configuration);
        services.AddVibeDashboardOperations(configuration);
        services.AddVibeDashboardNotifications(configuration);
        services.AddCommandHandler<PublishTestEvent, long, PublishTestEventHandler>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Dispatcher = _services.GetRequiredService<WebhookDispatcher>();
        Dispatcher.Jitter = () => 0.5;
    }

    public string StorePath { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _services;

    public WebhookDispatcher Dispatcher { get; }

    public ICommandPipeline Pipeline => _services.GetRequiredService<ICommandPipeline>();

    public DeliveryLog Deliveries => _services.GetRequiredService<DeliveryLog>();

    /// <summary>Sends the test command (an operator's change that notifies) and returns its outbox id.</summary>
    public async Task<long> PublishAsync(string @event, string aggregate, string message = "hello", bool fail = false)
    {
        var result = await Pipeline.SendAsync(new PublishTestEvent(@event, aggregate, message, fail), Operator);
        if (fail)
        {
            Assert.Equal(CommandOutcome.Invalid, result.Outcome);
            return 0;
        }

        Assert.True(result.Succeeded, result.Error);
        return result.Value;
    }

    public Task<IReadOnlyList<DispatchOutcome>> RunOnceAsync() => Dispatcher.RunOnceAsync();

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await _services.GetRequiredService<SqliteConnectionFactory>().OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>A command that changes nothing but notifies, as an incident command does; <see cref="Fail"/> makes it refuse after writing.</summary>
public sealed record PublishTestEvent(string Event, string Aggregate, string Message, bool Fail = false) : ICommand<long>
{
    public string Action => "test.publish";

    public DashboardRole RequiredRole => DashboardRole.Operator;

    public string TargetType => "test";

    public string TargetId => Aggregate;

    public long? ExpectedVersion => null;

    public string? IdempotencyKey => null;

    public string? Reason => null;
}

public sealed class PublishTestEventHandler(Outbox outbox) : ICommandHandler<PublishTestEvent, long>
{
    public string? Validate(PublishTestEvent command) => null;

    public async Task<CommandEffect<long>> ApplyAsync(PublishTestEvent command, CommandContext context, CancellationToken cancellationToken)
    {
        var id = await outbox.EnqueueAsync(context, command.Event, command.Aggregate,
            new { command.Aggregate, command.Message, Severity = "sev2" }, $"{command.Message} (sev2)", cancellationToken);
        return command.Fail
            ? CommandEffect<long>.Invalid("refused after writing to the outbox")
            : CommandEffect<long>.Ok(id, null, new { id }, null);
    }
}

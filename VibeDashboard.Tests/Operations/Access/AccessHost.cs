using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>
/// One "process" on a store: the app's store and operations services (the real pipeline and directory), with the
/// directory started as its host would. Two of these on one path are two processes sharing the store.
/// </summary>
public sealed class AccessHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public AccessHost(string storePath, FakeTimeProvider time, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["Storage:Path"] = storePath, ["Demo:Enabled"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
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
        _services = services.BuildServiceProvider();
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _services;

    public AccessDirectory Directory => _services.GetRequiredService<AccessDirectory>();

    public ICommandPipeline Pipeline => _services.GetRequiredService<ICommandPipeline>();

    public static Actor Admin { get; } = new("alice@example.com", ActorKind.User, DashboardRole.Admin, "127.0.0.1", "tests");

    public static Actor Viewer { get; } = new("victor@example.com", ActorKind.User, DashboardRole.Viewer, "127.0.0.1", "tests");

    /// <summary>Starts the directory's hosted service (initial load, pipeline subscription, poll loop).</summary>
    public async Task<AccessHost> StartAsync()
    {
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return this;
    }

    public Task<CommandResult<T>> SendAsync<T>(ICommand<T> command, Actor? actor = null) => Pipeline.SendAsync(command, actor ?? Admin);

    public async Task<string> CreateTokenAsync(string name, DashboardRole role = DashboardRole.Viewer, string? expires = null)
    {
        var result = await SendAsync(new CreateTokenCommand(name, role, expires));
        Assert.True(result.Succeeded, result.Error);
        return result.Value!.Token!;
    }

    /// <summary>Resolves when the directory next reports a change (the poll or a commit), at most 10 s of real time.</summary>
    public Task NextChangeAsync()
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IDisposable? subscription = null;
        subscription = Directory.Subscribe(() =>
        {
            changed.TrySetResult();
            subscription?.Dispose();
            return Task.CompletedTask;
        });
        return changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}

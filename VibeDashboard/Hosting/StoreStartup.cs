using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Hosting;

/// <summary>
/// Prepares the store at start. The schema is created before anything is served (a few milliseconds on an
/// up-to-date store, and every request needs it). The demo store, when there is one to build, is built in the
/// background (4–7 s for 30 days): the server answers at once, <c>/healthz</c> says it is alive, <c>/readyz</c>
/// says not ready with the build's progress, and the pages say the demo is on its way (<see cref="DemoBuild"/>).
/// Whether a build is needed is decided here, before serving, so no request sees an unannounced empty store.
/// </summary>
public sealed class StoreStartup(StoreSchema schema, DemoSeeder demo, DemoBuild build, IHostApplicationLifetime lifetime, ILogger<StoreStartup> logger) : IHostedService
{
    // Never disposed: it has no timer, and the host may stop this service after the container disposed it.
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenRegistration _started;
    private Task? _building;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        if (!await demo.IsNeededAsync(cancellationToken))
        {
            return;
        }

        build.Begin();
        // The writing starts once the server listens: start-up itself (JIT, the rest of the services, Kestrel) comes
        // first, so a demo start answers as soon as one without a demo even on a busy machine, where a build started
        // here took the CPU start-up needed. Task.Run: the seeder writes through Microsoft.Data.Sqlite, whose async
        // calls complete synchronously, so it must not run on the thread that raises the event.
        _started = lifetime.ApplicationStarted.Register(() => Volatile.Write(ref _building, Task.Run(() => BuildAsync(_stopping.Token), CancellationToken.None)));
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (build.Hold is { } hold)
            {
                await hold(cancellationToken);
            }

            var built = await demo.EnsureDemoAsync(cancellationToken, build.Report);
            await build.CompleteAsync(built);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped mid-build: the transaction rolled back; the next start builds again.
            await build.FailAsync(StoppedBeforeBuilt);
        }
        catch (Exception e)
        {
            // The app keeps serving (an empty store, honestly reported): /readyz says why it is not ready.
            logger.LogError(e, "Building the demo store failed");
            await build.FailAsync(e.Message);
        }
    }

    private const string StoppedBeforeBuilt = "stopped before the demo store was built";

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Disposing the registration waits for a callback under way, so the build task (if any) is known after it.
        await _started.DisposeAsync();
        await _stopping.CancelAsync();
        if (Volatile.Read(ref _building) is { } building)
        {
            await building.WaitAsync(cancellationToken);
        }
        else if (build.Current.IsBuilding)
        {
            await build.FailAsync(StoppedBeforeBuilt);
        }
    }
}

using VibeDashboard.Ingestion.Demo;

namespace VibeDashboard.Hosting;

/// <summary>
/// Starts a hosted service once the demo store's background build has settled (at once when none runs). For the
/// loops that act on the metrics: the rollouts' check rounds read the snapshot, and judged against a store that is
/// still being built every gate would read "no data" (an Error, a strike). Before the build moved to the background
/// these loops simply started after it; this keeps that order without holding up the server.
/// </summary>
public sealed class AfterDemoBuild<TService>(DemoBuild build, TService inner, ILogger<AfterDemoBuild<TService>> logger) : IHostedService
    where TService : IHostedService
{
    // Never disposed: it has no timer, and the host may stop this service after the container disposed it.
    private readonly CancellationTokenSource _stopping = new();
    private Task _starting = Task.CompletedTask;
    private volatile bool _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _starting = StartAfterBuildAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task StartAfterBuildAsync(CancellationToken cancellationToken)
    {
        try
        {
            await build.WhenSettledAsync(cancellationToken);
            await inner.StartAsync(cancellationToken);
            _started = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Service} failed to start after the demo store's build", typeof(TService).Name);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _starting.WaitAsync(cancellationToken);
        if (_started)
        {
            await inner.StopAsync(cancellationToken);
        }
    }
}

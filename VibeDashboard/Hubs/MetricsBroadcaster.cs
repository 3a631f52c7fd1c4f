using Microsoft.AspNetCore.SignalR;
using VibeDashboard.Aggregation;

namespace VibeDashboard.Hubs;

/// <summary>Subscribes to the same change feed as the pages and sends each new snapshot to every hub client, once.</summary>
public sealed class MetricsBroadcaster(IMetricsFeed feed, IHubContext<MetricsHub, IMetricsClient> hub, ILogger<MetricsBroadcaster> logger) : BackgroundService
{
    private long _sentVersion;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = feed.Subscribe(() => SendAsync(stoppingToken));
        await SendAsync(stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var snapshot = feed.Current;
        // Signals may merge or repeat (signal, then pull): send a version once.
        if (snapshot.Version == 0 || Interlocked.Exchange(ref _sentVersion, snapshot.Version) == snapshot.Version)
        {
            return;
        }

        try
        {
            await hub.Clients.All.Snapshot(snapshot);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Broadcasting snapshot {Version} failed", snapshot.Version);
        }
    }
}

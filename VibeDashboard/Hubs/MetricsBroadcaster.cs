using VibeDashboard.Aggregation;

namespace VibeDashboard.Hubs;

/// <summary>
/// Subscribes to the same change feed as the pages and hands each new snapshot, with each SLO's alert state and the
/// transition that set it, to the <see cref="TopicBook"/>, which sends what changed to each topic's subscribers.
/// </summary>
public sealed class MetricsBroadcaster(IMetricsFeed feed, TopicBook book, ILogger<MetricsBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = feed.Subscribe(Publish);
        await Publish();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task Publish()
    {
        var snapshot = feed.Current;
        // Signals may merge or repeat (signal, then pull): the book publishes a version once.
        if (snapshot.Version == 0)
        {
            return Task.CompletedTask;
        }

        try
        {
            var alerts = snapshot.Slos.Select(s => feed.AlertHistory(s.Key) is [var last, ..]
                ? new SloAlert(s.Key, s.Name, s.Alert, last.At, last.Reason)
                : new SloAlert(s.Key, s.Name, s.Alert, null, null)).ToList();
            book.Publish(snapshot, alerts);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Broadcasting snapshot {Version} failed", snapshot.Version);
        }

        return Task.CompletedTask;
    }
}

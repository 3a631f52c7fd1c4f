using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Hubs;

/// <summary>
/// Hands the open incidents to the <see cref="TopicBook"/> on each change (opened, acted on, its signal cleared,
/// closed), which sends the <c>incidents</c> and <c>wall</c> topics what moved. The board's signal carries no data:
/// on each, the open incidents are read again.
/// </summary>
public sealed class IncidentBroadcaster(IIncidentBoard board, TopicBook book, ILogger<IncidentBroadcaster> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = board.Subscribe(() => PublishAsync(stoppingToken));
        await PublishAsync(stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            // One reader at a time: a list read before a change must not be published after the one read after it.
            book.PublishIncidents(await board.ListAsync(new IncidentQuery(IncidentListStatus.Open), cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Broadcasting incident changes failed");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _gate.Release();
        }
    }
}

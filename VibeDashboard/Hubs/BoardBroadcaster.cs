namespace VibeDashboard.Hubs;

/// <summary>
/// Follows a board whose change signal carries no data (incidents, rollouts): on start and on each signal it reads
/// the board again (<see cref="PublishOnceAsync"/>) and hands the result to the <see cref="TopicBook"/>.
/// One reader at a time, so a list read before a change is never published after the one read after it.
/// </summary>
public abstract class BoardBroadcaster(ILogger logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>What the board is called in the log ("incident", "rollout").</summary>
    protected abstract string What { get; }

    protected abstract IDisposable Subscribe(Func<Task> changed);

    /// <summary>Reads the board and publishes it to the book.</summary>
    protected abstract Task PublishOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = Subscribe(() => PublishAsync(stoppingToken));
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
            await PublishOnceAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Broadcasting {What} changes failed", What);
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

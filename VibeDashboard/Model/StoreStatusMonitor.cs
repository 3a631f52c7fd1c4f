using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Model;

/// <summary>
/// Polls the store's demo flag, newest event and last import (imports may come from another process, a cron
/// job's <c>import</c>), and signals subscribers when any of them changes. Signal, then pull <see cref="Current"/>.
/// The demo store's background build is part of the status: its start and end are signalled at once, its progress
/// with the poll.
/// </summary>
public sealed class StoreStatusMonitor(StoreRepository store, ImportHistoryRepository history, Importer importer, TimeProvider time, ILogger<StoreStatusMonitor> logger, DemoBuild? build = null) : BackgroundService
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IDisposable? _buildSubscription;

    private readonly Lock _lock = new();
    private readonly List<Func<Task>> _subscribers = [];
    private StoreStatus _current = StoreStatus.Unknown;

    public StoreStatus Current => Volatile.Read(ref _current);

    public IDisposable Subscribe(Func<Task> onChange)
    {
        lock (_lock)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        // Readings one at a time: the build's end signals a refresh while the poll may be mid-way, and the poll's older
        // reading (still building, no demo) must not land after the newer one. Subscribers hear of it outside the gate.
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (!await ReadAsync(cancellationToken))
            {
                return;
            }
        }
        finally
        {
            _refresh.Release();
        }

        Func<Task>[] targets;
        lock (_lock)
        {
            targets = [.. _subscribers];
        }

        foreach (var target in targets)
        {
            try
            {
                await target();
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "A store status subscriber failed");
            }
        }
    }

    /// <summary>Reads the status; true when it changed.</summary>
    private async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        var building = build?.Current ?? DemoBuildStatus.NotBuilding;
        var next = new StoreStatus(
            await store.IsDemoAsync(cancellationToken),
            // An event dated after now has not happened yet (the aggregator waits for its time too): it must not pass for fresh data.
            await store.NewestEventAsync(cancellationToken, time.GetUtcNow()),
            await history.LastSuccessfulIdAsync(cancellationToken))
        {
            DemoBuilding = building.IsBuilding,
            DemoEventsWritten = building.IsBuilding ? building.EventsWritten : 0,
        };
        return next != Interlocked.Exchange(ref _current, next);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Here, not in ExecuteAsync (a background thread in .NET 10): a build that ends just after start must be heard.
        _buildSubscription = build?.Subscribe(() => RefreshSafelyAsync(CancellationToken.None));
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        importer.Imported += OnImported;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            await RefreshSafelyAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void OnImported(ImportRecord record) => _ = RefreshSafelyAsync(CancellationToken.None);

    public override void Dispose()
    {
        importer.Imported -= OnImported;
        _buildSubscription?.Dispose();
        base.Dispose();
    }

    private async Task RefreshSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reading the store status failed");
        }
    }

    private sealed class Subscription(StoreStatusMonitor owner, Func<Task> callback) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._subscribers.Remove(callback);
            }
        }
    }
}

using System.Threading.Channels;
using VibeDashboard.Aggregation;

namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>
/// Runs detection after each aggregator tick and hands the result to <see cref="IIncidentSignalSink"/>. The feed's
/// signal only wakes the loop (it runs on the aggregator's side, never a circuit's); one pass at a time, signals
/// arriving meanwhile merge into the next. A pass that throws is logged once per distinct error and tried again on
/// the next tick. The sink is not called when the episodes equal the last ones handed over.
/// </summary>
public sealed class DetectionCoordinator(
    IIncidentDetector detector,
    IMetricsFeed feed,
    IServiceProvider services,
    ILogger<DetectionCoordinator> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _pass = new(1, 1);
    private IReadOnlyList<DetectedEpisode>? _handedOver;
    private string? _lastError;
    private bool _sinkMissingLogged;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = feed.Subscribe(() =>
        {
            _wake.Writer.TryWrite(true);
            return Task.CompletedTask;
        });
        try
        {
            await foreach (var _ in _wake.Reader.ReadAllAsync(stoppingToken))
            {
                // Before the aggregator's first snapshot the store may not be migrated or seeded yet.
                if (feed.Current.Version == 0)
                {
                    continue;
                }

                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One pass: detect, then reconcile unless nothing changed. Never throws but for cancellation: the error is
    /// logged (once while it repeats) and the result is null. Tests and benchmarks call it directly.
    /// </summary>
    public async Task<DetectionResult?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _pass.WaitAsync(cancellationToken);
        try
        {
            var result = await detector.DetectAsync(fullHistory: false, cancellationToken);
            if (_handedOver is null || !SameEpisodes(_handedOver, result.Episodes))
            {
                if (services.GetService<IIncidentSignalSink>() is { } sink)
                {
                    await sink.ReconcileAsync(result, cancellationToken);
                    _handedOver = result.Episodes;
                }
                else if (!_sinkMissingLogged)
                {
                    _sinkMissingLogged = true;
                    logger.LogWarning("No incident signal sink is registered: detected episodes are not turned into incidents");
                }
            }

            if (_lastError is not null)
            {
                logger.LogInformation("Incident detection works again");
                _lastError = null;
            }

            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = $"{e.GetType().Name}: {e.Message}";
            if (error != _lastError)
            {
                _lastError = error;
                logger.LogWarning(e, "Incident detection failed; retrying on the next tick");
            }

            return null;
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Episodes compared by value (their evidence lists too).</summary>
    internal static bool SameEpisodes(IReadOnlyList<DetectedEpisode> a, IReadOnlyList<DetectedEpisode> b) =>
        a.Count == b.Count && a.Zip(b).All(p => Same(p.First, p.Second));

    private static bool Same(DetectedEpisode a, DetectedEpisode b) =>
        a with { Evidence = b.Evidence } == b
        && a.Evidence with { Values = b.Evidence.Values, TopErrorCodes = b.Evidence.TopErrorCodes, AffectedTiers = b.Evidence.AffectedTiers } == b.Evidence
        && a.Evidence.Values.SequenceEqual(b.Evidence.Values)
        && a.Evidence.TopErrorCodes.SequenceEqual(b.Evidence.TopErrorCodes)
        && a.Evidence.AffectedTiers.SequenceEqual(b.Evidence.AffectedTiers);
}

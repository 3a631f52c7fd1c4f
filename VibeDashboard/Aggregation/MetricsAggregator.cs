using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Aggregation;

/// <summary>
/// The dashboard's single source of truth. A full recompute at start and after every import (also one made by
/// another process: the last successful import id is polled each tick); in between, each tick folds only the
/// events with a seq above the last one seen, slides the windows to the current minute and publishes a snapshot.
/// The snapshot's version goes up only when its content changed.
/// </summary>
public sealed class MetricsAggregator : BackgroundService, IMetricsFeed
{
    private const int MaxHistoryPerSlo = 500;
    private const int MaxCachedSeries = 1024;

    private readonly SqliteConnectionFactory _connections;
    private readonly StoreSchema _schema;
    private readonly StoreRepository _store;
    private readonly ImportHistoryRepository _imports;
    private readonly AlertHistoryRepository _alertHistory;
    private readonly Importer _importer;
    private readonly AggregationOptions _options;
    private readonly IReadOnlyList<SloDefinition> _slos;
    private readonly TimeProvider _time;
    private readonly ILogger<MetricsAggregator> _logger;
    private readonly ThrottledSubscriptions _subscriptions;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _tickGate = new(1, 1);
    private readonly Dictionary<string, AlertState> _alertStates = new(StringComparer.Ordinal);
    private readonly List<AlertTransition> _transitions = [];
    // Chart series of the current snapshot and minute (under _lock): emptied when either moves on.
    private readonly Dictionary<(string, DashboardRange, string?), IReadOnlyList<SeriesPoint>> _seriesCache = [];
    private long _seriesMinute;
    private readonly ConcurrentDictionary<(OffenderKind, DashboardRange, int), (long At, Task<IReadOnlyList<Offender>> Rows)> _offenderCache = new();
    private readonly DemoBuild? _demoBuild;
    private MetricEngine _engine;
    private Snapshot _current = Snapshot.Empty;
    private long _lastSeq;
    private long _lastAuthRowId;
    private long _lastImportId = -1;
    private bool _demo;
    private bool _hasAuth;
    private int _importSignal;
    private bool _historyLoaded;
    private AggregationFailure? _failure;

    public MetricsAggregator(
        SqliteConnectionFactory connections,
        StoreSchema schema,
        StoreRepository store,
        ImportHistoryRepository imports,
        AlertHistoryRepository alertHistory,
        Importer importer,
        IOptions<AggregationOptions> options,
        IOptions<SloOptions> slos,
        TimeProvider time,
        ILogger<MetricsAggregator> logger,
        DemoBuild? demoBuild = null)
    {
        _demoBuild = demoBuild;
        _connections = connections;
        _schema = schema;
        _store = store;
        _imports = imports;
        _alertHistory = alertHistory;
        _importer = importer;
        _options = options.Value;
        _slos = slos.Value.Effective;
        _time = time;
        _logger = logger;
        _subscriptions = new ThrottledSubscriptions(time, TimeSpan.FromMilliseconds(_options.ThrottleMs), logger);
        _engine = new MetricEngine(_slos, time.GetUtcNow().ToUnixTimeMilliseconds(), _options.MaxTiers, maxBreakdownKeys: _options.MaxBreakdownKeys);
        _importer.Imported += OnImported;
    }

    public Snapshot Current => Volatile.Read(ref _current);

    /// <summary>How many full recomputes ran (tests and the benchmark read it).</summary>
    public int Recomputes { get; private set; }

    public IDisposable Subscribe(Func<Task> onChange) => _subscriptions.Subscribe(onChange);

    private void OnImported(ImportRecord record) => Volatile.Write(ref _importSignal, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A demo store being built in the background is not data yet: the first tick reads it once it committed, as
        // a full recompute (ticking meanwhile would publish an empty snapshot, and detection and gates would read it).
        if (_demoBuild is not null)
        {
            await _demoBuild.WhenSettledAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.TickMs), _time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy or briefly unreadable store only delays the next snapshot; TickAsync has already marked
                // the snapshot stale with the reason, and /readyz reports it until a tick succeeds again.
                _logger.LogWarning(e, "Aggregation tick failed; retrying on the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// One tick: recompute when an import happened (or on the first tick), otherwise fold new events; then publish.
    /// A tick that throws keeps the last good snapshot, republished with <see cref="Snapshot.Failure"/> set (the
    /// pages show it as stale, /readyz as not ready), and rethrows; the next good tick clears it.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken = default)
    {
        await _tickGate.WaitAsync(cancellationToken);
        try
        {
            await TickCoreAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            MarkFailed(e);
            throw;
        }
        finally
        {
            _tickGate.Release();
        }
    }

    /// <summary>The tick's failure while ticks fail (also what /readyz reports); null once a tick succeeded.</summary>
    public AggregationFailure? Failure => Volatile.Read(ref _failure);

    private void MarkFailed(Exception e)
    {
        var error = e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        Snapshot next;
        lock (_lock)
        {
            var since = _failure?.Since ?? _time.GetUtcNow();
            if (_failure is { } known && known.Error == error)
            {
                return;
            }

            _failure = new AggregationFailure(error, since);
            next = _current with { Version = _current.Version + 1, Failure = _failure };
            Volatile.Write(ref _current, next);
        }

        _published = next;
        _subscriptions.Signal();
    }

    private async Task TickCoreAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureCreatedAsync(cancellationToken);
        if (!_historyLoaded)
        {
            await LoadAlertHistoryAsync(cancellationToken);
        }

        var importId = await _imports.LastSuccessfulIdAsync(cancellationToken);
        if (importId != _lastImportId || Interlocked.Exchange(ref _importSignal, 0) == 1 || !await FoldNewAsync(cancellationToken))
        {
            await RecomputeAsync(importId, cancellationToken);
        }

        await PublishAsync(cancellationToken);
    }

    /// <summary>Rebuilds every metric from the store (at start, after an import, when the store was wiped).</summary>
    private async Task RecomputeAsync(long importId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _connections.OpenAsync(cancellationToken);
        // One read transaction: the max seq, VibeSDK's tables and the events come from the same snapshot (WAL).
        await using var transaction = connection.BeginTransaction(deferred: true);
        var maxSeq = await AggregationReader.MaxSeqAsync(connection, transaction, cancellationToken);
        var tables = await AggregationReader.TablesAsync(connection, transaction, cancellationToken);
        var from = HorizonStart(now);
        // A VibeSDK table without a column the metrics read (an older store) is not read: its metric is unavailable.
        var hasAuth = await AggregationReader.HasColumnsAsync(connection, transaction, tables, "auth_attempts", AggregationReader.AuthColumns, cancellationToken);
        var hasApps = await AggregationReader.HasColumnsAsync(connection, transaction, tables, "apps", AggregationReader.AppsColumns, cancellationToken);
        var hasMigrations = await AggregationReader.HasColumnsAsync(connection, transaction, tables, "d1_migrations", AggregationReader.MigrationsColumns, cancellationToken);
        // Bounded cardinality: tiers take rollups first come, first served; only when more than MaxTiers show up
        // (rare, and costly to count: a GROUP BY over the horizon) are they counted, so that the top tiers by
        // volume keep their own rollups and every other tier is "other", and the events folded again.
        var engine = new MetricEngine(_slos, now, _options.MaxTiers, maxBreakdownKeys: _options.MaxBreakdownKeys);
        engine.BeginBulk();
        await ReadAllEventsAsync(engine, connection, maxSeq, from, now, null, cancellationToken);
        // Providers and models are bounded the same way (Aggregation:MaxBreakdownKeys), and counted in the same second read.
        if (engine.TiersOverflowed || engine.ProvidersOverflowed)
        {
            var tiers = engine.TiersOverflowed ? await AggregationReader.TopTiersAsync(connection, transaction, maxSeq, from, _options.MaxTiers, cancellationToken) : null;
            var providers = engine.ProvidersOverflowed ? await AggregationReader.TopProvidersAsync(connection, transaction, maxSeq, from, _options.MaxBreakdownKeys, cancellationToken) : null;
            engine = new MetricEngine(_slos, now, _options.MaxTiers, tiers, _options.MaxBreakdownKeys, providers);
            engine.BeginBulk();
            await ReadAllEventsAsync(engine, connection, maxSeq, from, now, tiers, cancellationToken, providers);
        }

        // Instances started before the horizon and still running count in every window they overlap.
        foreach (var running in await AggregationReader.RunningAtHorizonAsync(connection, transaction, from, maxSeq, cancellationToken))
        {
            engine.FoldRunningAtHorizon(running.InstanceId, running.At, string.IsNullOrEmpty(running.Tier) ? null : running.Tier);
        }

        long authRowId = 0;
        if (hasAuth)
        {
            foreach (var row in await AggregationReader.AuthAttemptsAsync(connection, transaction, 0, cancellationToken))
            {
                engine.FoldAuthAttempt(row.At, row.Success != 0);
                authRowId = row.RowId;
            }
        }

        engine.AppsAvailable = hasApps;
        if (hasApps)
        {
            foreach (var at in await AggregationReader.AppsCreatedAsync(connection, transaction, from, cancellationToken))
            {
                engine.FoldAppCreated(at);
            }
        }

        engine.EndBulk();
        engine.SetAppliedMigrations(hasMigrations ? await AggregationReader.D1MigrationsAsync(connection, transaction, cancellationToken) : null);
        await transaction.CommitAsync(cancellationToken);
        var demo = await _store.IsDemoAsync(cancellationToken);

        lock (_lock)
        {
            _engine = engine;
            _lastSeq = maxSeq;
            _lastAuthRowId = authRowId;
            _lastImportId = importId;
            _demo = demo;
            _hasAuth = hasAuth;
            Recomputes++;
        }

        // Offender lists read the store itself: after an import (or the demo's build) the cached ones are of another store.
        _offenderCache.Clear();

        _logger.LogDebug("Recomputed metrics from seq ≤ {Seq} in {Ms:F0} ms", maxSeq, (_time.GetUtcNow().ToUnixTimeMilliseconds() - now));
    }

    private const long ParallelFromEvents = 200_000;

    /// <summary>
    /// The events of a recompute. A large store is read and folded in two halves by seq, the second on its own
    /// connection and engine (its own read snapshot, bounded by the same max seq, so it sees the same rows unless an
    /// import replaced them, and then the next tick recomputes anyway), then merged: reading and folding is nearly
    /// all of a recompute's cost and needs no shared state.
    /// </summary>
    private async Task ReadAllEventsAsync(MetricEngine engine, Microsoft.Data.Sqlite.SqliteConnection connection, long maxSeq, long from, long now, IReadOnlySet<string>? tiers, CancellationToken cancellationToken, ProviderSlots? providers = null)
    {
        if (maxSeq < ParallelFromEvents || Environment.ProcessorCount < 2)
        {
            AggregationReader.ReadEvents(connection, 0, maxSeq, from, engine.Fold, cancellationToken);
            return;
        }

        var middle = maxSeq / 2;
        var second = Task.Run(async () =>
        {
            var half = new MetricEngine(_slos, now, _options.MaxTiers, tiers, _options.MaxBreakdownKeys, providers);
            half.BeginBulk();
            await using var other = await _connections.OpenAsync(cancellationToken);
            await using var transaction = other.BeginTransaction(deferred: true);
            AggregationReader.ReadEvents(other, middle, maxSeq, from, half.Fold, cancellationToken);
            return half;
        }, cancellationToken);
        AggregationReader.ReadEvents(connection, 0, middle, from, engine.Fold, cancellationToken);
        engine.MergeBulk(await second);
    }

    /// <summary>Folds events and auth attempts that arrived since the last tick. False when the store went backwards (wiped).</summary>
    private async Task<bool> FoldNewAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var maxSeq = await AggregationReader.MaxSeqAsync(connection, transaction, cancellationToken);
        if (maxSeq < _lastSeq)
        {
            return false;
        }

        var rows = new List<EventRow>();
        if (maxSeq > _lastSeq)
        {
            AggregationReader.ReadEvents(connection, _lastSeq, maxSeq, long.MinValue, rows.Add, cancellationToken);
        }

        var auth = _hasAuth ? await AggregationReader.AuthAttemptsAsync(connection, transaction, _lastAuthRowId, cancellationToken) : [];
        await transaction.CommitAsync(cancellationToken);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var hourBefore = Rollup.Floor(_engine.NowMs, Rollup.HourMs);
            _engine.AdvanceTo(now);
            foreach (var row in rows)
            {
                _engine.Fold(row);
            }

            foreach (var row in auth)
            {
                _engine.FoldAuthAttempt(row.At, row.Success != 0);
                _lastAuthRowId = row.RowId;
            }

            if (Rollup.Floor(now, Rollup.HourMs) != hourBefore)
            {
                _engine.Prune();
            }

            _lastSeq = maxSeq;
        }

        return true;
    }

    /// <summary>Events older than the 30-day hour window (plus a day, so first generations of older apps are known) are not read.</summary>
    internal static long HorizonStart(long nowMs) => Rollup.WindowStart(Windows.All.Count - 1, nowMs) - (24 * Rollup.HourMs);

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        List<AlertTransition> fresh = [];
        Snapshot next;
        lock (_lock)
        {
            _engine.AdvanceTo(now.ToUnixTimeMilliseconds());
            var metrics = _engine.Metrics();
            var providers = _engine.ProviderValues();
            var slos = new List<SloStatus>(_slos.Count);
            for (var i = 0; i < _slos.Count; i++)
            {
                var (evaluated, reason) = SloEvaluator.Evaluate(_engine, i, _options);
                var status = FiniteSlo(evaluated);
                slos.Add(status);
                var before = _alertStates.GetValueOrDefault(status.Key, AlertState.Ok);
                if (before != status.Alert)
                {
                    _alertStates[status.Key] = status.Alert;
                    fresh.Add(new AlertTransition(now, status.Key, before, status.Alert, reason));
                }
            }

            _transitions.AddRange(fresh);
            var dataAsOf = _engine.NewestEventMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
            var previous = _current;
            var skipped = _engine.SkippedValues;
            _failure = null;
            if (previous.Version > 0 && previous.Demo == _demo && previous.DataAsOf == dataAsOf && previous.Failure is null
                && previous.SkippedValues == skipped && previous.Metrics.SequenceEqual(metrics)
                && previous.Providers.SequenceEqual(providers) && SlosEqual(previous.Slos, slos))
            {
                next = previous;
            }
            else
            {
                next = new Snapshot(previous.Version + 1, now, dataAsOf, _demo, metrics, slos) { SkippedValues = skipped, Providers = providers };
                Volatile.Write(ref _current, next);
                _seriesCache.Clear();
            }

            // A new minute adds a bucket to every series even when the snapshot stayed the same.
            if (Rollup.Floor(_engine.NowMs, Rollup.MinuteMs) is var minute && minute != _seriesMinute)
            {
                _seriesMinute = minute;
                _seriesCache.Clear();
            }
        }

        if (fresh.Count > 0)
        {
            try
            {
                await _alertHistory.AddAsync(fresh, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Persisting alert transitions failed");
            }

            foreach (var t in fresh)
            {
                _logger.LogInformation("SLO {Slo}: {From} → {To} ({Reason})", t.SloKey, t.From, t.To, t.Reason);
            }
        }

        if (next.Version != 0 && !ReferenceEquals(next, _published))
        {
            _published = next;
            _subscriptions.Signal();
        }
    }

    private Snapshot? _published;

    /// <summary>Every double leaving the aggregator is finite or null (JSON cannot carry Infinity or NaN).</summary>
    private static SloStatus FiniteSlo(SloStatus s) => s with
    {
        Sli = MetricEngine.Finite(s.Sli),
        BudgetRemaining = MetricEngine.Finite(s.BudgetRemaining),
        BudgetRemainingMinutes = MetricEngine.Finite(s.BudgetRemainingMinutes),
        BudgetRemainingEvents = MetricEngine.Finite(s.BudgetRemainingEvents),
        BurnRates = s.BurnRates.Values.All(v => v is null || double.IsFinite(v.Value)) ? s.BurnRates : s.BurnRates.ToDictionary(p => p.Key, p => MetricEngine.Finite(p.Value)),
    };

    private static bool SlosEqual(IReadOnlyList<SloStatus> a, IReadOnlyList<SloStatus> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First with { BurnRates = p.Second.BurnRates } == p.Second && p.First.BurnRates.SequenceEqual(p.Second.BurnRates));

    private async Task LoadAlertHistoryAsync(CancellationToken cancellationToken)
    {
        var recent = await _alertHistory.RecentAsync(MaxHistoryPerSlo * Math.Max(1, _slos.Count), cancellationToken);
        lock (_lock)
        {
            _transitions.Clear();
            _transitions.AddRange(recent.Reverse());
            // Carry the last known state over a restart, so a still-firing alert is not announced again.
            foreach (var t in recent.Reverse())
            {
                _alertStates[t.SloKey] = t.To;
            }

            _historyLoaded = true;
        }
    }

    public IReadOnlyList<AlertTransition> AlertHistory(string sloKey)
    {
        lock (_lock)
        {
            return _transitions.Where(t => t.SloKey == sloKey).Reverse().Take(MaxHistoryPerSlo).ToList();
        }
    }

    public IReadOnlyList<SeriesPoint> Series(string metricKey, DashboardRange range, string? tier = null)
    {
        lock (_lock)
        {
            if (!_seriesCache.TryGetValue((metricKey, range, tier), out var points))
            {
                points = _engine.Series(metricKey, range.Step() >= TimeSpan.FromHours(1), RangeStart(range, _engine.NowMs), tier);
                // Bounded: a tier comes from the URL, so the keys are not only the ones pages offer.
                if (_seriesCache.Count < MaxCachedSeries)
                {
                    _seriesCache[(metricKey, range, tier)] = points;
                }
            }

            return points;
        }
    }

    public IReadOnlyList<SloPoint> SloSeries(string sloKey, DashboardRange range)
    {
        lock (_lock)
        {
            var index = _slos.ToList().FindIndex(s => s.Key == sloKey);
            return index < 0 ? [] : SloPoints.Of(_engine, index, range.Step() >= TimeSpan.FromHours(1), RangeStart(range, _engine.NowMs));
        }
    }

    public Task<IReadOnlyList<Offender>> TopOffendersAsync(OffenderKind kind, DashboardRange range, int count = 10, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        // Offender lists are a breakdown like any other: never more than Aggregation:MaxBreakdownKeys rows.
        count = Math.Clamp(count, 1, _options.MaxBreakdownKeys);
        var key = (kind, range, count);
        if (_offenderCache.TryGetValue(key, out var cached) && now - cached.At < 5_000 && !cached.Rows.IsFaulted && !cached.Rows.IsCanceled)
        {
            return cached.Rows.WaitAsync(cancellationToken);
        }

        // On the thread pool: pages call this from their circuit, and Microsoft.Data.Sqlite's async calls complete
        // synchronously, so an await alone would run the GROUP BY on the render thread. The running query is cached,
        // not only its result: a wall of open pages asking at once shares one query. Not cancelled with the caller
        // for the same reason (another page may be waiting on it).
        var from = RangeStart(range, now);
        var rows = Task.Run(() => OffenderQueries.QueryAsync(_connections, kind, from, count, CancellationToken.None), CancellationToken.None);
        _offenderCache[key] = (now, rows);
        return rows.WaitAsync(cancellationToken);
    }

    /// <summary>Ranges start on a whole minute (up to a day) or hour, like the windows; the last bucket is the current one.</summary>
    internal static long RangeStart(DashboardRange range, long nowMs)
    {
        var unit = range.Step() >= TimeSpan.FromHours(1) ? Rollup.HourMs : Rollup.MinuteMs;
        var span = (long)(range.Length().TotalMilliseconds / unit);
        return (Rollup.Floor(nowMs, unit) - span + 1) * unit;
    }

    public override void Dispose()
    {
        _importer.Imported -= OnImported;
        _tickGate.Dispose();
        base.Dispose();
    }
}

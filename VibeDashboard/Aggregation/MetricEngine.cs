using VibeDashboard.Configuration;
using static VibeDashboard.Aggregation.MetricFamily;

namespace VibeDashboard.Aggregation;

/// <summary>
/// The metric maths, without I/O or clocks: events are folded in (in any order: per-app and per-instance
/// state keeps first/earliest times, so a late event corrects earlier results), time is advanced explicitly,
/// and <see cref="Metrics"/> reads every metric × window × tier off the running window sums.
/// Not thread-safe: the aggregator serialises access.
/// </summary>
internal sealed class MetricEngine
{
    private readonly IReadOnlyList<SloDefinition> _slos;
    private readonly Dictionary<(int Family, string Tier), Rollup> _rollups = [];
    private readonly Dictionary<(int Family, string Tier), Percentiles[]> _percentiles = [];
    private readonly SortedSet<string> _tiers = new(StringComparer.Ordinal);
    // The fold's fast path: tier name → small index (0 = all tiers), and the rollups by [tier][family].
    private readonly Dictionary<string, int> _tierIndex = new(StringComparer.Ordinal) { [""] = 0 };
    private readonly List<Rollup?[]> _byTier = [];
    private readonly List<string> _tierNames = [""];
    // Event type → the SLOs whose event list holds it (computed once per distinct type).
    private readonly Dictionary<string, int[]> _slosByType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceState> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _migrationsApplied = new(StringComparer.Ordinal);
    private HashSet<string>? _d1Migrations;
    // Rows dated after now, by time: a row counts only once its time has come (see AdvanceTo).
    private readonly PriorityQueue<Pending, long> _pending = new();
    // Bounded cardinality: at most _maxTiers named tiers get rollups of their own, the rest share OtherTier.
    private readonly int _maxTiers;
    private readonly IReadOnlySet<string>? _allowedTiers;
    private int _otherIndex = -1;
    private readonly ProviderMetrics _providers;
    private long _now;
    private bool _bulk;

    /// <summary>The tier that collects every tier beyond the top <c>Aggregation:MaxTiers</c>.</summary>
    public const string OtherTier = "other";

    /// <summary>
    /// Values larger than this (a duration of 30,000 years in ms, a quadrillion dollars, a petabyte) are not data
    /// but corruption; folding them would overflow the window sums to Infinity.
    /// </summary>
    public const double MaxFoldableValue = 1e15;

    /// <summary>Times before this (2000-01-01) are corruption, like times more than a day after now.</summary>
    public const long MinFoldableMs = 946_684_800_000;

    /// <param name="maxTiers">Named tiers with rollups of their own; later ones fold into <see cref="OtherTier"/>.</param>
    /// <param name="allowedTiers">
    /// When set (a recompute, which counted tiers by volume first), exactly these tiers get their own rollups,
    /// whatever order events arrive in; without it, tiers take slots first come, first served.
    /// </param>
    /// <param name="maxBreakdownKeys">Providers, and (provider, model) pairs, with rollups of their own (<see cref="ProviderMetrics"/>).</param>
    public MetricEngine(IReadOnlyList<SloDefinition> slos, long nowMs, int maxTiers = 32, IReadOnlySet<string>? allowedTiers = null, int maxBreakdownKeys = 32,
        ProviderSlots? allowedProviders = null)
    {
        _providers = new ProviderMetrics(nowMs, maxBreakdownKeys, allowedProviders);
        _slos = slos;
        _now = nowMs;
        _maxTiers = Math.Max(1, maxTiers);
        _allowedTiers = allowedTiers;
        _byTier.Add(new Rollup?[SloBase + slos.Count]);
    }

    /// <summary>Events and rows skipped because a value could not be folded (a time out of range, a non-finite or absurd number).</summary>
    public long SkippedValues { get; private set; }

    /// <summary>False when VibeSDK's apps table (or its created_at) is not in the store: apps_created is unknown, not 0.</summary>
    public bool AppsAvailable { get; set; } = true;

    /// <summary>
    /// True when, without a counted set of tiers, more than <c>maxTiers</c> showed up and the later ones went to
    /// <see cref="OtherTier"/> in arrival order: a recompute then counts tiers by volume and folds again.
    /// </summary>
    public bool TiersOverflowed { get; private set; }

    public long NowMs => _now;

    public long? NewestEventMs { get; private set; }

    public IReadOnlyCollection<string> Tiers => _tiers;

    public IReadOnlyList<SloDefinition> Slos => _slos;

    public long BucketCount => _rollups.Values.Sum(r => r.BucketCount) + _providers.BucketCount;

    /// <summary>Like <see cref="TiersOverflowed"/>, for providers and models (<see cref="ProviderMetrics.Overflowed"/>).</summary>
    public bool ProvidersOverflowed => _providers.Overflowed;

    /// <summary>Provider and (provider, model) rollups held (bounded by maxBreakdownKeys).</summary>
    internal int ProviderSlots => _providers.SlotCount;

    /// <summary>Names in VibeSDK's d1_migrations (null when the table is not in the store).</summary>
    public void SetAppliedMigrations(IEnumerable<string>? names) => _d1Migrations = names?.ToHashSet(StringComparer.Ordinal);

    public void AdvanceTo(long nowMs)
    {
        _now = nowMs;
        foreach (var rollup in _rollups.Values)
        {
            rollup.AdvanceTo(nowMs);
        }

        _providers.AdvanceTo(nowMs);

        while (_pending.TryPeek(out var due, out var at) && at <= nowMs)
        {
            _pending.Dequeue();
            switch (due.Kind)
            {
                case PendingKind.Event:
                    Fold(due.Row);
                    break;
                case PendingKind.AuthAttempt:
                    FoldAuthAttempt(at, due.Success);
                    break;
                default:
                    FoldAppCreated(at);
                    break;
            }
        }
    }

    /// <summary>
    /// At most this many rows dated in the future wait at once; more are ignored until the next recompute reads them
    /// again. The import quarantines rows more than Ingestion:MaxFutureSkew ahead, so only minutes of them can exist.
    /// </summary>
    internal const int MaxPendingRows = 100_000;

    /// <summary>Rows dated after now waiting for their time (tests read it).</summary>
    internal int PendingRows => _pending.Count;

    /// <summary>True (and the row kept for later) when <paramref name="at"/> is after now: it must not count yet.</summary>
    private bool Defer(long at, in Pending row)
    {
        if (at <= _now)
        {
            return false;
        }

        if (_pending.Count < MaxPendingRows)
        {
            _pending.Enqueue(row, at);
        }

        return true;
    }

    /// <summary>
    /// Starts a bulk fold (a full recompute): events only touch buckets and per-app/per-instance state; the
    /// per-app and per-instance samples and the window sums are built once by <see cref="EndBulk"/>, instead of
    /// being retracted and re-added as each event refines them.
    /// </summary>
    public void BeginBulk()
    {
        _bulk = true;
        foreach (var rollup in _rollups.Values)
        {
            rollup.BeginDeferred();
        }

        _providers.BeginBulk();
    }

    public void EndBulk()
    {
        _bulk = false;
        foreach (var app in _apps.Values)
        {
            SetSamples(app, 1);
        }

        foreach (var instance in _instances.Values)
        {
            var edges = instance.Edges;
            edges.Sort();
            for (var i = 0; i + 1 < edges.Count; i++)
            {
                if (!edges[i].Stop)
                {
                    AddPreview(edges[i].Tier, edges[i].At, edges[i + 1].At, 1);
                }
            }
        }

        foreach (var rollup in _rollups.Values)
        {
            rollup.EndDeferred();
        }

        _providers.EndBulk();
    }

    /// <summary>
    /// Adds what <paramref name="other"/> (same SLOs and clock, bulk mode, a disjoint part of the events) folded:
    /// bucket counters add up; per-app and per-instance state keeps the earliest times and adds fix counts.
    /// </summary>
    public void MergeBulk(MetricEngine other)
    {
        SkippedValues += other.SkippedValues;
        TiersOverflowed |= other.TiersOverflowed;
        if (other.NewestEventMs is { } newest && (NewestEventMs is null || newest > NewestEventMs))
        {
            NewestEventMs = newest;
        }

        foreach (var ((family, tier), theirs) in other._rollups)
        {
            Get(family, TierIndex(tier)).MergeBuckets(theirs);
        }

        _providers.Merge(other._providers);

        foreach (var (id, theirs) in other._apps)
        {
            var app = App(id);
            if (theirs.Start is { } start && (app.Start is null || start < app.Start))
            {
                app.Start = start;
                app.Tier = theirs.Tier;
            }

            if (theirs.Deploy is { } deploy && (app.Deploy is null || deploy < app.Deploy))
            {
                app.Deploy = deploy;
            }

            app.Fixes += theirs.Fixes;
        }

        foreach (var (id, theirs) in other._instances)
        {
            var instance = _instances.TryGetValue(id, out var known) ? known : _instances[id] = new InstanceState();
            instance.Edges.AddRange(theirs.Edges); // sorted and paired by EndBulk
        }

        foreach (var (row, at) in other._pending.UnorderedItems)
        {
            if (_pending.Count < MaxPendingRows)
            {
                _pending.Enqueue(row, at);
            }
        }

        foreach (var (name, at) in other._migrationsApplied)
        {
            if (!_migrationsApplied.TryGetValue(name, out var last) || at > last)
            {
                _migrationsApplied[name] = at;
            }
        }

        foreach (var tier in other._tiers)
        {
            if (TierName(TierIndex(tier)) is { } name)
            {
                _tiers.Add(name);
            }
        }
    }

    /// <summary>
    /// The small index of a tier (0 for none), registering a tier seen for the first time while there is room
    /// (or, in a recompute, when it is among the counted top tiers); any other tier shares <see cref="OtherTier"/>.
    /// </summary>
    internal const int MaxTierNameLength = 64;

    // A tier with a slot of its own is named in ~112 metric entries of the snapshot: only short printable ASCII names
    // get one, so that neither length nor JSON escaping (a control character or an é is six bytes there) can push the
    // snapshot past its 1 MB bound. Real policy tiers (internal, free, pro, enterprise) are all like that.
    internal static bool IsShowableTier(string tier)
    {
        if (tier.Length > MaxTierNameLength)
        {
            return false;
        }

        foreach (var c in tier)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private int TierIndex(string? tier)
    {
        if (string.IsNullOrEmpty(tier))
        {
            return 0;
        }

        if (_tierIndex.TryGetValue(tier, out var index))
        {
            return index;
        }

        var own = IsShowableTier(tier) && !string.Equals(tier, OtherTier, StringComparison.Ordinal)
                  && ((_allowedTiers?.Contains(tier) ?? false)
                      || ((_allowedTiers is null || !_bulk) && _tierNames.Count - (_otherIndex > 0 ? 2 : 1) < _maxTiers));
        if (!own)
        {
            TiersOverflowed |= !string.Equals(tier, OtherTier, StringComparison.Ordinal) && _allowedTiers is null;
            if (_otherIndex < 0)
            {
                _otherIndex = Register(OtherTier);
            }

            // Remembered only while the map is small: the map itself must not grow with the data.
            if (_tierIndex.Count < 4 * _maxTiers)
            {
                _tierIndex[tier] = _otherIndex;
            }

            return _otherIndex;
        }

        return Register(tier);
    }

    private int Register(string tier)
    {
        var index = _byTier.Count;
        _tierIndex[tier] = index;
        _tierNames.Add(tier);
        _byTier.Add(new Rollup?[SloBase + _slos.Count]);
        return index;
    }

    /// <summary>The name a tier is counted under (its own, <see cref="OtherTier"/>, or null for none).</summary>
    private string? TierName(int index) => index == 0 ? null : _tierNames[index];

    /// <summary>False (and counted) for an event the rollups cannot hold: a time out of range or a number that is negative, not finite or absurdly large.</summary>
    private bool Foldable(long at, params ReadOnlySpan<double?> values)
    {
        var ok = at >= MinFoldableMs && at <= _now + (24 * Rollup.HourMs);
        foreach (var value in values)
        {
            // Durations, costs and sizes are never negative (the contract); a store written before the import checked it may hold one.
            ok &= value is null || (double.IsFinite(value.Value) && value.Value >= 0 && value.Value <= MaxFoldableValue);
        }

        if (!ok)
        {
            SkippedValues++;
        }

        return ok;
    }

    /// <summary>A value as it may leave the engine: finite, or null (a sum that overflowed is unknown, not Infinity).</summary>
    internal static double? Finite(double? value) => value is { } v && !double.IsFinite(v) ? null : value;

    private static MetricValue Finite(MetricValue m) =>
        IsFinite(m.Value) && IsFinite(m.P50) && IsFinite(m.P95) && IsFinite(m.P99)
            ? m
            : m with { Value = Finite(m.Value), P50 = Finite(m.P50), P95 = Finite(m.P95), P99 = Finite(m.P99) };

    private static bool IsFinite(double? value) => value is null || double.IsFinite(value.Value);

    private Rollup Get(int family, string tier) => Get(family, TierIndex(tier));

    private Rollup Get(int family, int tier)
    {
        ref var rollup = ref _byTier[tier][family];
        if (rollup is null)
        {
            var (fields, histogram) = family >= SloBase ? (2, false) : Shapes[family];
            rollup = new Rollup(fields, histogram, _now);
            if (_bulk)
            {
                rollup.BeginDeferred();
            }

            _rollups[(family, _tierNames[tier])] = rollup;
            if (tier > 0)
            {
                _tiers.Add(_tierNames[tier]);
            }
        }

        return rollup;
    }

    // Every event counts in the all-tiers rollup and, when it has one, its tier's.
    private void Add(int family, int tier, long at, int field, double amount)
    {
        Get(family, 0).Add(at, field, amount);
        if (tier > 0)
        {
            Get(family, tier).Add(at, field, amount);
        }
    }

    private void AddValue(int family, int tier, long at, long value, long count)
    {
        Get(family, 0).AddValue(at, value, count);
        if (tier > 0)
        {
            Get(family, tier).AddValue(at, value, count);
        }
    }

    public void Fold(EventRow e)
    {
        // Corrupt values are skipped (and counted); a row dated after now waits for its time.
        if (!Foldable(e.At, e.DurationMs, e.CostUsd, e.Bytes) || Defer(e.At, new Pending(PendingKind.Event, e, false)))
        {
            return;
        }

        if (NewestEventMs is null || e.At > NewestEventMs)
        {
            NewestEventMs = e.At;
        }

        var at = e.At;
        var error = e.IsError;
        var tier = TierIndex(e.Tier);
        // Per-app and per-instance state keeps the tier it is counted under, so "other" stays one tier.
        var tierName = TierName(tier);
        switch (e.Type)
        {
            case EventTypes.GenerationStarted:
                Add(Completion, tier, at, 2, 1);
                if (!string.IsNullOrEmpty(e.AppId))
                {
                    var app = App(e.AppId);
                    if (app.Start is null || at < app.Start)
                    {
                        SetSamples(app, -1);
                        app.Start = at;
                        app.Tier = tierName;
                        SetSamples(app, 1);
                    }
                }

                break;
            case EventTypes.GenerationComplete:
                Add(Completion, tier, at, error ? 1 : 0, 1);
                break;
            case EventTypes.Error when string.Equals(e.Source, "agent", StringComparison.Ordinal) && !string.IsNullOrEmpty(e.AppId):
                Add(Completion, tier, at, 1, 1);
                break;
            case EventTypes.DeploymentCompleted or EventTypes.CloudflareDeploymentCompleted:
                if (e.Type == EventTypes.DeploymentCompleted)
                {
                    // A successful start either way; only one with a duration is a latency sample (like d1_query).
                    Add(Preview, tier, at, 0, 1);
                    if (e.DurationMs is { } startMs)
                    {
                        Add(Preview, tier, at, 2, startMs);
                        Add(Preview, tier, at, 3, 1);
                        AddValue(Preview, tier, at, (long)Math.Round(startMs * 1000), 1);
                    }
                }

                if (!string.IsNullOrEmpty(e.AppId))
                {
                    var app = App(e.AppId);
                    if (app.Deploy is null || at < app.Deploy)
                    {
                        SetTtdSample(app, -1);
                        app.Deploy = at;
                        SetTtdSample(app, 1);
                    }
                }

                break;
            case EventTypes.DeploymentFailed:
                Add(Preview, tier, at, 1, 1);
                break;
            case EventTypes.RuntimeErrorFound or EventTypes.CodeFixEdits or EventTypes.DeterministicCodeFixStarted:
                if (!string.IsNullOrEmpty(e.AppId))
                {
                    var app = App(e.AppId);
                    SetFixSample(app, -1);
                    app.Fixes++;
                    SetFixSample(app, 1);
                }

                break;
            case EventTypes.SandboxStarted or EventTypes.SandboxStopped:
                if (!string.IsNullOrEmpty(e.InstanceId))
                {
                    InstanceEdge(e.InstanceId, at, e.Type == EventTypes.SandboxStopped, tierName);
                }

                break;
            case EventTypes.SandboxCrashed:
                Add(Sandbox, tier, at, 0, 1);
                break;
            case EventTypes.SandboxRestarted:
                Add(Sandbox, tier, at, 1, 1);
                break;
            case EventTypes.RuntimeUsage:
                Add(Sandbox, tier, at, 3, e.CostUsd ?? 0);
                Add(Sandbox, tier, at, 4, 1);
                break;
            case EventTypes.Probe:
                Add(Probe, tier, at, 0, e.IsOk ? 1 : 0); // up only with status ok: no status is not up
                Add(Probe, tier, at, 1, 1);
                break;
            case EventTypes.D1Query when e.DurationMs is { } ms:
                Add(D1, tier, at, 0, 1);
                Add(D1, tier, at, 1, ms);
                AddValue(D1, tier, at, (long)Math.Round(ms * 1000), 1);
                break;
            case EventTypes.MigrationApplied or EventTypes.MigrationFailed:
                var applied = e.Type == EventTypes.MigrationApplied;
                Add(Migration, tier, at, applied ? 0 : 1, 1);
                if (applied && e.Migration is { Length: > 0 } name && (!_migrationsApplied.TryGetValue(name, out var last) || at > last))
                {
                    _migrationsApplied[name] = at;
                }

                break;
            case EventTypes.ArtifactStored:
                Add(Artifact, tier, at, 0, e.Bytes ?? 0);
                Add(Artifact, tier, at, 1, 1);
                break;
            case EventTypes.LlmCall:
                Add(Llm, tier, at, 0, 1);
                Add(Llm, tier, at, 1, error ? 1 : 0);
                Add(Llm, tier, at, 2, e.CostUsd ?? 0);
                _providers.Fold(e);
                break;
            case EventTypes.RateLimitExceeded:
                Add(RateLimit, tier, at, 0, 1);
                break;
        }

        if (!_slosByType.TryGetValue(e.Type, out var slos))
        {
            slos = Enumerable.Range(0, _slos.Count).Where(i => _slos[i].Events.Contains(e.Type, StringComparer.Ordinal)).ToArray();
            _slosByType[e.Type] = slos;
        }

        foreach (var i in slos)
        {
            // The event type matched when the list was made; SloDefinition.Matches checks the rest.
            var slo = _slos[i];
            if ((slo.Source is null || string.Equals(slo.Source, e.Source, StringComparison.Ordinal)) && (!slo.RequireAppId || !string.IsNullOrEmpty(e.AppId)))
            {
                var good = _slos[i].IsGood(e.Type, e.Status, e.DurationMs);
                var rollup = Get(SloBase + i, 0);
                rollup.Add(at, 0, good ? 1 : 0);
                rollup.Add(at, 1, 1);
            }
        }
    }

    /// <summary>One row of VibeSDK's auth_attempts (attempted_at normalised to unix ms at import).</summary>
    public void FoldAuthAttempt(long atMs, bool success)
    {
        if (!Foldable(atMs) || Defer(atMs, new Pending(PendingKind.AuthAttempt, default, success)))
        {
            return;
        }

        var rollup = Get(Auth, 0);
        rollup.Add(atMs, 0, 1);
        rollup.Add(atMs, 1, success ? 0 : 1);
    }

    /// <summary>One row of VibeSDK's apps table (created_at normalised to unix ms at import).</summary>
    public void FoldAppCreated(long atMs)
    {
        if (Foldable(atMs) && !Defer(atMs, new Pending(PendingKind.AppCreated, default, false)))
        {
            Get(Artifact, 0).Add(atMs, 2, 1);
        }
    }

    /// <summary>
    /// An instance running at the read horizon (its last sandbox_started/sandbox_stopped before the horizon is a
    /// start, at <paramref name="startedAt"/>): its preview time counts in every window it overlaps.
    /// </summary>
    public void FoldRunningAtHorizon(string instanceId, long startedAt, string? tier)
    {
        if (startedAt >= MinFoldableMs)
        {
            InstanceEdge(instanceId, startedAt, false, TierName(TierIndex(tier)));
        }
    }

    private AppState App(string id) => _apps.TryGetValue(id, out var app) ? app : _apps[id] = new AppState();

    private void SetSamples(AppState app, int sign)
    {
        SetTtdSample(app, sign);
        SetFixSample(app, sign);
    }

    // Time-to-deployable: one sample per app, in the bucket of its first deploy.
    private void SetTtdSample(AppState app, int sign)
    {
        if (!_bulk && app is { Start: { } start, Deploy: { } deploy } && deploy >= start)
        {
            var ms = deploy - start;
            var tier = TierIndex(app.Tier);
            Add(Ttd, tier, deploy, 0, sign);
            Add(Ttd, tier, deploy, 1, sign * ms);
            AddValue(Ttd, tier, deploy, ms * 1000, sign);
        }
    }

    // Fix loops: one sample per generated app (cohort of its first generation_started), its fix events so far.
    private void SetFixSample(AppState app, int sign)
    {
        if (!_bulk && app.Start is { } start)
        {
            var fixes = app.Fixes;
            var tier = TierIndex(app.Tier);
            Add(Fix, tier, start, 0, sign);
            Add(Fix, tier, start, 1, sign * fixes);
            AddValue(Fix, tier, start, fixes, sign);
        }
    }

    /// <summary>
    /// Preview time of an instance: its sandbox_started and sandbox_stopped events in time order (a start before a
    /// stop at the same ms); it is running from a start until the next stop after it, so a stop with no start before
    /// it and a start while already running change nothing. Each stretch counts in the tier of the start that
    /// begins it; a stretch still open (the last event is a start) runs up to now and is added when read
    /// (<see cref="RunningMs"/>). Only closed stretches are in the buckets, so an event inserted between two others
    /// changes just the stretch it splits.
    /// </summary>
    private void InstanceEdge(string id, long at, bool stop, string? tier)
    {
        var instance = _instances.TryGetValue(id, out var known) ? known : _instances[id] = new InstanceState();
        var edge = new Edge(at, stop, stop ? null : tier);
        if (!stop && !string.IsNullOrEmpty(tier) && TierIndex(tier) > 0)
        {
            _tiers.Add(tier);
        }

        var edges = instance.Edges;
        if (_bulk)
        {
            edges.Add(edge); // sorted and paired once by EndBulk
            return;
        }

        var i = edges.BinarySearch(edge);
        i = i < 0 ? ~i : i + 1;
        while (i < edges.Count && edges[i].CompareTo(edge) == 0)
        {
            i++;
        }

        edges.Insert(i, edge);
        var next = i + 1 < edges.Count ? edges[i + 1] : (Edge?)null;
        if (i > 0 && edges[i - 1] is { Stop: false } previous)
        {
            // The stretch the previous start began now ends here (or, if it was still open, is closed by this event).
            if (next is { } n)
            {
                AddPreview(previous.Tier, at, n.At, -1);
            }
            else
            {
                AddPreview(previous.Tier, previous.At, at, 1);
            }
        }

        if (!stop && next is { } following)
        {
            AddPreview(tier, at, following.At, 1);
        }
    }

    private void AddPreview(string? tierName, long fromMs, long toMs, int sign)
    {
        var tier = TierIndex(tierName);
        Get(Sandbox, 0).AddInterval(fromMs, toMs, 2, sign);
        if (tier > 0)
        {
            Get(Sandbox, tier).AddInterval(fromMs, toMs, 2, sign);
        }
    }

    /// <summary>
    /// Preview ms of instances still running (started, no stop yet) inside each window up to now, by tier
    /// ("" = all): one pass over the instances per snapshot rather than one per tier and window.
    /// </summary>
    private Dictionary<string, double[]> RunningMs()
    {
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal) { [""] = new double[Windows.All.Count] };
        Span<long> starts = stackalloc long[Windows.All.Count];
        for (var w = 0; w < starts.Length; w++)
        {
            starts[w] = Rollup.WindowStart(w, _now);
        }

        foreach (var instance in _instances.Values)
        {
            if (instance.Running is not { } open || open.At >= _now)
            {
                continue;
            }

            var start = open.At;
            var all = result[""];
            var own = string.IsNullOrEmpty(open.Tier) ? null
                : result.TryGetValue(open.Tier, out var known) ? known : result[open.Tier] = new double[Windows.All.Count];
            for (var w = 0; w < starts.Length; w++)
            {
                var ms = RunningOverlap(start, starts[w], _now);
                all[w] += ms;
                if (own is not null)
                {
                    own[w] += ms;
                }
            }
        }

        return result;
    }

    /// <summary>Forgets apps and instances whose every sample has left the 30-day retention.</summary>
    public void Prune()
    {
        var before = _now - (Rollup.HourBuckets + 24) * Rollup.HourMs;
        foreach (var (id, app) in _apps.ToList())
        {
            if ((app.Start ?? long.MinValue) < before && (app.Deploy ?? long.MinValue) < before)
            {
                _apps.Remove(id);
            }
        }

        foreach (var (id, instance) in _instances.ToList())
        {
            // Only the last event before the retention decides what follows: older ones are dropped.
            var edges = instance.Edges;
            var old = 0;
            while (old < edges.Count && edges[old].At < before)
            {
                old++;
            }

            if (old > 1)
            {
                edges.RemoveRange(0, old - 1);
            }

            if (edges is [{ Stop: true } last] && last.At < before)
            {
                _instances.Remove(id);
            }
        }
    }

    /// <summary>
    /// Every metric × window × tier, each from its one definition (<see cref="MetricDefinitions"/>) over the window's
    /// running sums, plus the two window-only metrics (auth_failure_anomaly, migration_drift).
    /// </summary>
    public IReadOnlyList<MetricValue> Metrics()
    {
        var result = new List<MetricValue>(1024);
        var running = RunningMs();
        var rollups = new Rollup?[SloBase];
        var span = new SpanSums { AppsAvailable = AppsAvailable };
        foreach (var tier in _tiers.Prepend(""))
        {
            var runningMs = running.GetValueOrDefault(tier);
            var t = tier.Length == 0 ? null : tier;
            for (var f = 0; f < SloBase; f++)
            {
                rollups[f] = _rollups.GetValueOrDefault((f, tier));
            }

            for (var w = 0; w < Windows.All.Count; w++)
            {
                var window = Windows.All[w].Name;
                for (var f = 0; f < SloBase; f++)
                {
                    span.Set(f, rollups[f]?.WindowSums(w));
                }

                span.RunningPreviewMs = runningMs?[w] ?? 0;
                foreach (var definition in MetricDefinitions.All)
                {
                    if (!definition.Tiered && t is not null)
                    {
                        continue;
                    }

                    var (value, count) = definition.Read(span);
                    var p = definition.PercentileFamily is { } family && count > 0 && rollups[family] is { } rollup
                        ? WindowPercentiles(rollup, family, tier, w, definition.PercentileScale)
                        : null;
                    result.Add(new MetricValue(definition.Key, window, t, value, count, p?.P50, p?.P95, p?.P99));
                }

                if (t is null)
                {
                    var start = Rollup.WindowStart(w, _now);
                    result.Add(AuthAnomaly(window, w, start, span[Auth, 1]));
                    result.Add(Drift(window, start));
                }
            }
        }

        foreach (var rollup in _rollups.Values)
        {
            rollup.Dirty = false;
        }

        for (var i = 0; i < result.Count; i++)
        {
            result[i] = Finite(result[i]);
        }

        return result;
    }

    /// <summary>The per-provider and per-(provider, model) llm_call rows of every window (docs/metrics.md).</summary>
    public IReadOnlyList<ProviderValue> ProviderValues() => _providers.Values();

    // A window's percentiles change only when its rollup did: cached per family, tier and window.
    private Percentiles WindowPercentiles(Rollup rollup, int family, string tier, int w, double scale)
    {
        var cache = _percentiles.TryGetValue((family, tier), out var c) ? c : _percentiles[(family, tier)] = new Percentiles[Windows.All.Count];
        if (rollup.Dirty || cache[w] is null)
        {
            cache[w] = Percentiles.Of(rollup.Histogram(w)!, scale);
        }

        return cache[w];
    }

    /// <summary>
    /// Auth failures per hour in the window against the hourly mean of the 7 days before it. Both rates divide by
    /// a nominal length (the window's, 7 × 24 h), so the value moves only when data does, not every second.
    /// </summary>
    private MetricValue AuthAnomaly(string window, int w, long start, double failures)
    {
        var hours = Windows.All[w].Length.TotalHours;
        double? value = null;
        if (_rollups.TryGetValue((Auth, ""), out var auth) && Windows.All[w].Length <= TimeSpan.FromDays(3) && hours > 0)
        {
            var baselineEnd = Rollup.Floor(start, Rollup.HourMs) * Rollup.HourMs;
            var baseline = auth.SumHours(baselineEnd - (7 * 24 * Rollup.HourMs), baselineEnd, 1) / (7 * 24);
            value = baseline > 0 ? failures / hours / baseline : null;
        }

        return new MetricValue(ExtraMetricKeys.AuthFailureAnomaly, window, null, value, (long)failures, null, null, null);
    }

    /// <summary>Migrations applied (per migration_applied events) in the window but missing from d1_migrations.</summary>
    private MetricValue Drift(string window, long start)
    {
        long seen = 0, missing = 0;
        foreach (var (name, at) in _migrationsApplied)
        {
            if (at >= start && at <= _now)
            {
                seen++;
                if (_d1Migrations is not null && !_d1Migrations.Contains(name))
                {
                    missing++;
                }
            }
        }

        return new MetricValue(ExtraMetricKeys.MigrationDrift, window, null, _d1Migrations is null ? null : missing, seen, null, null, null);
    }

    /// <summary>Good and total events of SLO <paramref name="index"/> in window <paramref name="w"/>.</summary>
    public (double Good, double Total) Slo(int index, int w) =>
        _rollups.TryGetValue((SloBase + index, ""), out var r) ? (r.Sum(w, 0), r.Sum(w, 1)) : (0, 0);

    /// <summary>
    /// Chart points of a metric: one per bucket (minutes or hours) from <paramref name="fromMs"/> to now, the last
    /// being the current, partial one. Each point is the metric's definition (<see cref="MetricDefinitions"/>) read
    /// over that bucket, exactly as a window reads its running sums: a bucket is just a shorter window. Empty for a
    /// key without a per-span definition, and for a metric without tiers when a tier is asked for (no such slice).
    /// </summary>
    public IReadOnlyList<SeriesPoint> Series(string key, bool hourly, long fromMs, string? tier)
    {
        if (MetricDefinitions.Find(key) is not { } definition || (!definition.Tiered && !string.IsNullOrEmpty(tier)))
        {
            return [];
        }

        var unit = hourly ? Rollup.HourMs : Rollup.MinuteMs;
        var first = Rollup.Floor(fromMs, unit);
        var last = Rollup.Floor(_now, unit);
        var t = tier ?? "";
        var rollups = new Rollup?[SloBase];
        for (var f = 0; f < SloBase; f++)
        {
            rollups[f] = _rollups.GetValueOrDefault((f, t));
        }

        var running = RunningStarts(t);
        var span = new SpanSums { AppsAvailable = AppsAvailable };
        var points = new List<SeriesPoint>((int)Math.Max(0, last - first + 1));
        for (var i = first; i <= last; i++)
        {
            var startMs = i * unit;
            for (var f = 0; f < SloBase; f++)
            {
                span.Set(f, rollups[f]?.Find(hourly, i)?.Sums);
            }

            double runningMs = 0;
            foreach (var runningSince in running)
            {
                runningMs += RunningOverlap(runningSince, startMs, startMs + unit);
            }

            span.RunningPreviewMs = runningMs;
            var (value, count) = definition.Read(span);
            var p = definition.PercentileFamily is { } family && count > 0 && rollups[family]?.Find(hourly, i)?.Histogram is { Count: > 0 } sparse
                ? Percentiles.Of(sparse, definition.PercentileScale)
                : null;
            points.Add(new SeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(startMs), Finite(value), count, Finite(p?.P50), Finite(p?.P95), Finite(p?.P99)));
        }

        return points;
    }

    /// <summary>Since when each instance of the tier ("" = all) still running (started, no stop yet) runs.</summary>
    private List<long> RunningStarts(string tier)
    {
        var starts = new List<long>();
        foreach (var instance in _instances.Values)
        {
            if (instance.Running is { } open && open.At < _now && (tier.Length == 0 || string.Equals(open.Tier, tier, StringComparison.Ordinal)))
            {
                starts.Add(open.At);
            }
        }

        return starts;
    }

    /// <summary>The ms of [fromMs, toMs) that a stretch running since <paramref name="since"/> covers up to now.</summary>
    private double RunningOverlap(long since, long fromMs, long toMs) => Math.Max(0, Math.Min(toMs, _now) - Math.Max(since, fromMs));

    /// <summary>Good and total events of SLO <paramref name="index"/> per bucket from <paramref name="fromMs"/>, plus the hour buckets before it for budgets.</summary>
    public IReadOnlyList<(long StartMs, double Good, double Total)> SloBuckets(int index, bool hourly, long fromMs)
    {
        var unit = hourly ? Rollup.HourMs : Rollup.MinuteMs;
        var first = Rollup.Floor(fromMs, unit);
        var last = Rollup.Floor(_now, unit);
        if (!_rollups.TryGetValue((SloBase + index, ""), out var r))
        {
            return [];
        }

        return r.Buckets(hourly, first, last).Select(b => (b.StartMs, b.Bucket?.Sums[0] ?? 0, b.Bucket?.Sums[1] ?? 0)).ToList();
    }

    private sealed class AppState
    {
        public long? Start { get; set; }
        public string? Tier { get; set; }
        public long? Deploy { get; set; }
        public long Fixes { get; set; }
    }

    private sealed class InstanceState
    {
        /// <summary>sandbox_started / sandbox_stopped in time order (unsorted during a bulk fold).</summary>
        public List<Edge> Edges { get; } = [];

        /// <summary>The start of the stretch still open (the last event is a start), or null when stopped.</summary>
        public Edge? Running => Edges is [.., { Stop: false } last] ? last : null;
    }

    /// <summary>A start (with the tier its stretch counts in) or a stop; ordered by time, a start before a stop at the same ms.</summary>
    private readonly record struct Edge(long At, bool Stop, string? Tier) : IComparable<Edge>
    {
        public int CompareTo(Edge other)
        {
            var c = At.CompareTo(other.At);
            if (c == 0)
            {
                c = Stop.CompareTo(other.Stop);
            }

            return c != 0 ? c : string.CompareOrdinal(Tier, other.Tier);
        }
    }

    private enum PendingKind : byte
    {
        Event,
        AuthAttempt,
        AppCreated,
    }

    private readonly record struct Pending(PendingKind Kind, EventRow Row, bool Success);
}

/// <summary>
/// p50/p95/p99 by the nearest-rank definition: the value at rank ⌈p·n⌉ (at least 1) of the n sorted samples,
/// reported as the middle of its HdrHistogram bucket (2 significant digits: within 0.4 % of the sample).
/// </summary>
internal sealed record Percentiles(double? P50, double? P95, double? P99)
{
    /// <summary>The nearest rank ⌈p/100 · n⌉, clamped to 1…n; decimal arithmetic so that 99.9 % of 1 000 is 999, not 1 000.</summary>
    public static long Rank(double percentile, long count) =>
        Math.Clamp((long)Math.Ceiling((decimal)Math.Clamp(percentile, 0, 100) * count / 100m), 1, Math.Max(1, count));

    public static Percentiles Of(WindowHistogram histogram, double scale) =>
        histogram.TotalCount <= 0
            ? new Percentiles(null, null, null)
            : new Percentiles(histogram.ValueAtPercentile(50) / scale, histogram.ValueAtPercentile(95) / scale, histogram.ValueAtPercentile(99) / scale);

    /// <summary>From a bucket's sparse histogram (quantised value → count), for chart points.</summary>
    public static Percentiles Of(Dictionary<long, long> sparse, double scale)
    {
        var values = sparse.Where(v => v.Value > 0).OrderBy(v => v.Key).ToList();
        var total = values.Sum(v => v.Value);
        if (total <= 0)
        {
            return new Percentiles(null, null, null);
        }

        double At(double p)
        {
            var rank = Rank(p, total);
            foreach (var (value, count) in values)
            {
                rank -= count;
                if (rank <= 0)
                {
                    return Rollup.Layout.MedianEquivalentValue(value) / scale;
                }
            }

            return Rollup.Layout.MedianEquivalentValue(values[^1].Key) / scale;
        }

        return new Percentiles(At(50), At(95), At(99));
    }
}

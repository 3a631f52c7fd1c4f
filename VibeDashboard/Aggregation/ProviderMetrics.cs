namespace VibeDashboard.Aggregation;

/// <summary>
/// The providers and (provider, model) pairs a recompute gives rows of their own: the top ones by calls, counted
/// when more than the cap showed up (<see cref="AggregationReader.TopProvidersAsync"/>).
/// </summary>
internal sealed record ProviderSlots(IReadOnlySet<string> Providers, IReadOnlySet<(string Provider, string Model)> Models);

/// <summary>
/// <c>llm_call</c> rows per provider and per (provider, model): one rollup each (the same minute/hour buckets and
/// running windows as every other metric), read off as <see cref="ProviderValue"/>s for the snapshot. Bounded like
/// tiers: at most <c>maxKeys</c> providers and <c>maxKeys</c> (provider, model) pairs get a slot of their own, first
/// come, first served (or, in a recompute that counted them, exactly the top ones by calls: <see cref="ProviderSlots"/>),
/// and only for short printable ASCII names (<see cref="MetricEngine.IsShowableTier"/>); every
/// other provider is counted under provider <see cref="Other"/>, every other model of a provider with a slot under
/// its model <see cref="Other"/>. Not thread-safe: the engine's caller serialises access.
/// </summary>
internal sealed class ProviderMetrics
{
    /// <summary>The provider (or model) that collects every name beyond the cap or not fit to show.</summary>
    public const string Other = MetricEngine.OtherTier;

    // The one definition of each number: fields of a provider rollup, folded by Fold, read by Values.
    private const int Calls = 0, Errors = 1, Cost = 2, TokensIn = 3, TokensOut = 4, LatencySamples = 5, LatencySumMs = 6;
    private const int Fields = 7;

    private readonly int _maxKeys;
    private readonly Dictionary<(string Provider, string? Model), Slot> _slots = [];
    // Raw name → the provider slot it is counted under; remembered only while small, like the engine's tier map.
    private readonly Dictionary<string, string> _providerNames = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Provider, string Model), string> _modelNames = [];
    private readonly ProviderSlots? _allowed;
    private int _providers;
    private int _models;
    private long _now;
    private bool _bulk;

    public ProviderMetrics(long nowMs, int maxKeys, ProviderSlots? allowed = null)
    {
        _now = nowMs;
        _maxKeys = Math.Max(1, maxKeys);
        _allowed = allowed;
    }

    /// <summary>
    /// True when, without counted slots, a showable name went to <see cref="Other"/> because the slots were taken in
    /// arrival order: a recompute then counts providers by calls and folds again, as for tiers.
    /// </summary>
    public bool Overflowed { get; private set; }

    // As for tiers: with counted slots, exactly those names during the recompute; afterwards a new name may take a free slot.
    private bool MayTake(bool listed, int used) =>
        used < _maxKeys && (listed || _allowed is null || !_bulk);

    /// <summary>Rollups held (the cap's test reads it): at most 2 × maxKeys + 2.</summary>
    public int SlotCount => _slots.Count;

    public long BucketCount => _slots.Values.Sum(s => s.Rollup.BucketCount);

    /// <summary>An llm_call row already admitted by the engine (time in range, not in the future, values foldable).</summary>
    public void Fold(in EventRow e)
    {
        if (string.IsNullOrEmpty(e.Provider))
        {
            return; // no provider: in the all-provider metrics (provider_error_rate), in no provider's row
        }

        var provider = ProviderSlot(e.Provider);
        Add(Get(provider, null), e);
        // The overflow provider keeps no models: its names are unbounded by definition.
        if (!string.IsNullOrEmpty(e.Model) && provider != Other)
        {
            Add(Get(provider, ModelSlot(provider, e.Model)), e);
        }
    }

    private static void Add(Rollup rollup, in EventRow e)
    {
        var at = e.At;
        rollup.Add(at, Calls, 1);
        rollup.Add(at, Errors, e.IsError ? 1 : 0);
        rollup.Add(at, Cost, e.CostUsd ?? 0);
        rollup.Add(at, TokensIn, Tokens(e.TokensIn));
        rollup.Add(at, TokensOut, Tokens(e.TokensOut));
        if (e.DurationMs is { } ms)
        {
            rollup.Add(at, LatencySamples, 1);
            rollup.Add(at, LatencySumMs, ms);
            rollup.AddValue(at, (long)Math.Round(ms * 1000), 1);
        }
    }

    // The import rejects negative or fractional token counts; a store written before it checked may hold one.
    private static double Tokens(double? value) =>
        value is { } v && double.IsFinite(v) && v >= 0 && v <= MetricEngine.MaxFoldableValue ? v : 0;

    private string ProviderSlot(string name)
    {
        if (_providerNames.TryGetValue(name, out var slot))
        {
            return slot;
        }

        var showable = MetricEngine.IsShowableTier(name) && name != Other;
        var own = showable && MayTake(_allowed?.Providers.Contains(name) ?? false, _providers);
        Overflowed |= showable && !own && _allowed is null;
        if (own)
        {
            _providers++;
            _providerNames[name] = name;
            return name;
        }

        if (_providerNames.Count < 4 * _maxKeys)
        {
            _providerNames[name] = Other;
        }

        return Other;
    }

    private string ModelSlot(string provider, string name)
    {
        if (_modelNames.TryGetValue((provider, name), out var slot))
        {
            return slot;
        }

        var showable = MetricEngine.IsShowableTier(name) && name != Other;
        var own = showable && MayTake(_allowed?.Models.Contains((provider, name)) ?? false, _models);
        Overflowed |= showable && !own && _allowed is null;
        if (own)
        {
            _models++;
            _modelNames[(provider, name)] = name;
            return name;
        }

        if (_modelNames.Count < 4 * _maxKeys)
        {
            _modelNames[(provider, name)] = Other;
        }

        return Other;
    }

    private Rollup Get(string provider, string? model)
    {
        if (!_slots.TryGetValue((provider, model), out var slot))
        {
            slot = new Slot(new Rollup(Fields, histogram: true, _now));
            if (_bulk)
            {
                slot.Rollup.BeginDeferred();
            }

            _slots[(provider, model)] = slot;
        }

        return slot.Rollup;
    }

    public void AdvanceTo(long nowMs)
    {
        _now = nowMs;
        foreach (var slot in _slots.Values)
        {
            slot.Rollup.AdvanceTo(nowMs);
        }
    }

    public void BeginBulk()
    {
        _bulk = true;
        foreach (var slot in _slots.Values)
        {
            slot.Rollup.BeginDeferred();
        }
    }

    public void EndBulk()
    {
        _bulk = false;
        foreach (var slot in _slots.Values)
        {
            slot.Rollup.EndDeferred();
        }
    }

    /// <summary>Adds another instance's buckets (same clock, a disjoint part of the events): its names take slots here by the same rule.</summary>
    public void Merge(ProviderMetrics other)
    {
        Overflowed |= other.Overflowed;
        // Named slots first, so that a name merged into "other" there can still have a slot here when there is room.
        foreach (var ((provider, model), theirs) in other._slots.OrderBy(s => s.Key.Provider == Other).ThenBy(s => s.Key.Model == Other))
        {
            var p = ProviderSlot(provider);
            if (model is null || p != Other)
            {
                Get(p, model is null ? null : ModelSlot(p, model)).MergeBuckets(theirs.Rollup);
            }
        }
    }

    /// <summary>
    /// Every slot in every window: providers in name order, each provider's own row (model null) before its models.
    /// A slot is listed in every window once it has a rollup, with zeros where the window holds nothing.
    /// </summary>
    public IReadOnlyList<ProviderValue> Values()
    {
        var result = new List<ProviderValue>(_slots.Count * Windows.All.Count);
        foreach (var ((provider, model), slot) in _slots
                     .OrderBy(s => s.Key.Provider == Other).ThenBy(s => s.Key.Provider, StringComparer.Ordinal)
                     .ThenBy(s => s.Key.Model is not null).ThenBy(s => s.Key.Model == Other).ThenBy(s => s.Key.Model, StringComparer.Ordinal))
        {
            var r = slot.Rollup;
            if (r.Dirty)
            {
                Array.Clear(slot.Percentiles);
            }

            for (var w = 0; w < Windows.All.Count; w++)
            {
                var calls = (long)r.Sum(w, Calls);
                var errors = (long)r.Sum(w, Errors);
                var samples = (long)r.Sum(w, LatencySamples);
                var p = samples > 0 ? slot.Percentiles[w] ??= Percentiles.Of(r.Histogram(w)!, 1000) : null;
                result.Add(new ProviderValue(
                    provider,
                    model,
                    Windows.All[w].Name,
                    calls,
                    errors,
                    calls > 0 ? (double)errors / calls : null,
                    MetricEngine.Finite(r.Sum(w, Cost)) ?? 0,
                    (long)r.Sum(w, TokensIn),
                    (long)r.Sum(w, TokensOut),
                    samples,
                    samples > 0 ? MetricEngine.Finite(r.Sum(w, LatencySumMs) / samples) : null,
                    MetricEngine.Finite(p?.P50),
                    MetricEngine.Finite(p?.P95),
                    MetricEngine.Finite(p?.P99)));
            }

            r.Dirty = false;
        }

        return result;
    }

    private sealed class Slot(Rollup rollup)
    {
        public Rollup Rollup { get; } = rollup;

        public Percentiles?[] Percentiles { get; } = new Percentiles?[Windows.All.Count];
    }
}

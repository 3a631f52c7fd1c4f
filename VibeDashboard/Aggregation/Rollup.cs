using HdrHistogram;

namespace VibeDashboard.Aggregation;

/// <summary>
/// Tiered rollup of one metric family in one policy tier: minute buckets for the last 24 h, hour buckets for
/// 30 days, and a running sum per window (<see cref="Windows"/>) so that reading a window costs nothing.
/// A bucket holds a few counters and, for latency families, a sparse histogram (HdrHistogram-quantised
/// value → count) that supports removal; only the eight running windows hold a dense histogram
/// (<see cref="WindowHistogram"/>), so memory stays bounded however long the dashboard runs.
/// Buckets live in two rings indexed by minute (hour) modulo the retention, so finding one is an array access.
/// </summary>
internal sealed class Rollup
{
    public const long MinuteMs = 60_000;
    public const long HourMs = 3_600_000;
    public const int MinuteBuckets = 1440;
    public const int HourBuckets = 720;

    private readonly int _fields;
    private readonly Ring _minutes;
    private readonly Ring _hours;
    private readonly WindowSum[] _windows;
    private bool _deferred;

    public Rollup(int fields, bool histogram, long nowMs)
    {
        _fields = fields;
        _minutes = new Ring(MinuteBuckets, Floor(nowMs, MinuteMs));
        _hours = new Ring(HourBuckets, Floor(nowMs, HourMs));
        _windows = new WindowSum[Windows.All.Count];
        for (var i = 0; i < _windows.Length; i++)
        {
            var (_, length) = Windows.All[i];
            var hourly = length > TimeSpan.FromDays(1);
            var span = (long)(length.TotalMilliseconds / (hourly ? HourMs : MinuteMs));
            _windows[i] = new WindowSum(hourly, span, fields, histogram ? new WindowHistogram() : null);
        }
    }

    /// <summary>Set whenever a window's content changed; the aggregator clears it after reading.</summary>
    public bool Dirty { get; set; } = true;

    public static LongHistogram NewHistogram() => new(1, 10_000_000_000_000, 2);

    /// <summary>Values are quantised to the histogram's buckets (2 significant digits: under 0.8 % apart).</summary>
    public static readonly LongHistogram Layout = NewHistogram();

    public static long Floor(long ms, long unit) => ms >= 0 ? ms / unit : ((ms + 1) / unit) - 1;

    /// <summary>
    /// While deferred (a full recompute), folds only touch buckets; <see cref="EndDeferred"/> then builds every
    /// window sum once from the buckets instead of updating eight windows per event.
    /// </summary>
    public void BeginDeferred() => _deferred = true;

    public void EndDeferred()
    {
        _deferred = false;
        foreach (var window in _windows)
        {
            Rebuild(window);
        }

        Dirty = true;
    }

    public void Add(long atMs, int field, double amount)
    {
        if (amount == 0)
        {
            return;
        }

        AddSum(_minutes, false, Floor(atMs, MinuteMs), field, amount);
        AddSum(_hours, true, Floor(atMs, HourMs), field, amount);
    }

    /// <summary>Adds (count &gt; 0) or removes (count &lt; 0) a histogram value.</summary>
    public void AddValue(long atMs, long value, long count)
    {
        var q = Layout.LowestEquivalentValue(Math.Clamp(value, 0, 9_000_000_000_000));
        AddSparse(_minutes, false, Floor(atMs, MinuteMs), q, count);
        AddSparse(_hours, true, Floor(atMs, HourMs), q, count);
    }

    /// <summary>Spreads an interval's length (ms) over the minute and hour buckets it overlaps (sign ±1).</summary>
    public void AddInterval(long fromMs, long toMs, int field, int sign)
    {
        if (toMs <= fromMs)
        {
            return;
        }

        var firstMinute = Math.Max(Floor(fromMs, MinuteMs), _minutes.Current - MinuteBuckets);
        for (var m = firstMinute; m * MinuteMs < toMs; m++)
        {
            var overlap = Math.Min(toMs, (m + 1) * MinuteMs) - Math.Max(fromMs, m * MinuteMs);
            AddSum(_minutes, false, m, field, sign * overlap);
        }

        var firstHour = Math.Max(Floor(fromMs, HourMs), _hours.Current - HourBuckets);
        for (var h = firstHour; h * HourMs < toMs; h++)
        {
            var overlap = Math.Min(toMs, (h + 1) * HourMs) - Math.Max(fromMs, h * HourMs);
            AddSum(_hours, true, h, field, sign * overlap);
        }
    }

    private void AddSum(Ring ring, bool hourly, long index, int field, double amount)
    {
        if (ring.GetOrAdd(index, _fields) is not { } bucket)
        {
            return; // older than the retention of this tier
        }

        bucket.Sums[field] += amount;
        if (_deferred || index > ring.Current)
        {
            return;
        }

        foreach (var window in _windows)
        {
            if (window.Hourly == hourly && index > ring.Current - window.Span)
            {
                window.Sums[field] += amount;
                Dirty = true;
            }
        }
    }

    private void AddSparse(Ring ring, bool hourly, long index, long q, long count)
    {
        if (ring.GetOrAdd(index, _fields) is not { } bucket)
        {
            return;
        }

        bucket.Histogram ??= [];
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(bucket.Histogram, q, out _);
        slot += count;
        if (slot == 0)
        {
            bucket.Histogram.Remove(q);
        }

        if (_deferred || index > ring.Current)
        {
            return;
        }

        foreach (var window in _windows)
        {
            if (window.Hourly == hourly && index > ring.Current - window.Span)
            {
                window.Histogram?.Add(q, count);
                Dirty = true;
            }
        }
    }

    /// <summary>Moves the windows to the minute and hour of <paramref name="nowMs"/> and drops expired buckets.</summary>
    public void AdvanceTo(long nowMs)
    {
        var minute = Floor(nowMs, MinuteMs);
        var hour = Floor(nowMs, HourMs);
        if (minute != _minutes.Current)
        {
            var from = _minutes.Current;
            _minutes.MoveTo(minute);
            Slide(_minutes, false, from, minute);
        }

        if (hour != _hours.Current)
        {
            var from = _hours.Current;
            _hours.MoveTo(hour);
            Slide(_hours, true, from, hour);
        }
    }

    private void Slide(Ring ring, bool hourly, long from, long to)
    {
        foreach (var window in _windows)
        {
            if (window.Hourly != hourly)
            {
                continue;
            }

            Dirty = true;
            if (_deferred)
            {
                continue;
            }

            if (to < from || to - from >= window.Span)
            {
                // A jump longer than the window (or back in time): rebuild it from the buckets.
                Rebuild(window);
                continue;
            }

            // Buckets that left the window may already be gone from the ring (its retention equals the longest window), so
            // the window is rebuilt rather than subtracted from when that can happen.
            if (from - window.Span + 1 < ring.Current - ring.Retention)
            {
                Rebuild(window);
                continue;
            }

            for (var i = from - window.Span + 1; i <= to - window.Span; i++)
            {
                Fold(window, ring.Find(i), -1);
            }

            for (var i = from + 1; i <= to; i++)
            {
                Fold(window, ring.Find(i), 1);
            }
        }
    }

    private void Rebuild(WindowSum window)
    {
        window.Clear();
        var ring = window.Hourly ? _hours : _minutes;
        for (var i = ring.Current - window.Span + 1; i <= ring.Current; i++)
        {
            Fold(window, ring.Find(i), 1);
        }
    }

    private static void Fold(WindowSum window, Bucket? bucket, int sign)
    {
        if (bucket is null)
        {
            return;
        }

        for (var f = 0; f < bucket.Sums.Length; f++)
        {
            window.Sums[f] += sign * bucket.Sums[f];
        }

        if (bucket.Histogram is not null && window.Histogram is not null)
        {
            foreach (var (value, count) in bucket.Histogram)
            {
                window.Histogram.Add(value, sign * count);
            }
        }
    }

    public double Sum(int window, int field) => _windows[window].Sums[field];

    /// <summary>Every counter of a running window (read-only: the definitions read a window as they read a bucket).</summary>
    public double[] WindowSums(int window) => _windows[window].Sums;

    public WindowHistogram? Histogram(int window) => _windows[window].Histogram;

    /// <summary>The first instant of a window (its buckets are whole minutes or hours; the last is the current one).</summary>
    public static long WindowStart(int window, long nowMs)
    {
        var (_, length) = Windows.All[window];
        var unit = length > TimeSpan.FromDays(1) ? HourMs : MinuteMs;
        var span = (long)(length.TotalMilliseconds / unit);
        return (Floor(nowMs, unit) - span + 1) * unit;
    }

    /// <summary>Buckets of one tier for chart points, oldest first (empty buckets are yielded as null).</summary>
    public IEnumerable<(long StartMs, Bucket? Bucket)> Buckets(bool hourly, long fromIndex, long toIndex)
    {
        var ring = hourly ? _hours : _minutes;
        var unit = hourly ? HourMs : MinuteMs;
        for (var i = fromIndex; i <= toIndex; i++)
        {
            yield return (i * unit, ring.Find(i));
        }
    }

    /// <summary>One bucket (a minute or an hour index), or null when it is empty or no longer retained.</summary>
    public Bucket? Find(bool hourly, long index) => (hourly ? _hours : _minutes).Find(index);

    /// <summary>The sum of a field over all retained hour buckets in [fromMs, toMs).</summary>
    public double SumHours(long fromMs, long toMs, int field)
    {
        double sum = 0;
        for (var h = Floor(fromMs, HourMs); h * HourMs < toMs; h++)
        {
            if (_hours.Find(h) is { } bucket)
            {
                sum += bucket.Sums[field];
            }
        }

        return sum;
    }

    /// <summary>Adds another rollup's buckets (same family, same clock) into this one: the merge of a parallel recompute.</summary>
    public void MergeBuckets(Rollup other)
    {
        foreach (var (mine, theirs) in new[] { (_minutes, other._minutes), (_hours, other._hours) })
        {
            foreach (var bucket in theirs.All())
            {
                if (mine.GetOrAdd(bucket.Index, _fields) is not { } target)
                {
                    continue;
                }

                for (var f = 0; f < _fields; f++)
                {
                    target.Sums[f] += bucket.Sums[f];
                }

                if (bucket.Histogram is not null)
                {
                    target.Histogram ??= [];
                    foreach (var (q, count) in bucket.Histogram)
                    {
                        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(target.Histogram, q, out _);
                        slot += count;
                    }
                }
            }
        }
    }

    public long BucketCount => _minutes.Count + _hours.Count;

    internal sealed class Bucket(long index, int fields)
    {
        public long Index { get; } = index;

        public double[] Sums { get; } = new double[fields];

        public Dictionary<long, long>? Histogram { get; set; }
    }

    /// <summary>
    /// Buckets <c>Current − Retention … Current</c> in a ring (slot = index mod length); buckets after the current one
    /// (events stamped in the future) wait in a dictionary until the clock reaches them.
    /// </summary>
    private sealed class Ring(int retention, long current)
    {
        private readonly Bucket?[] _slots = new Bucket?[retention + 1];
        private Dictionary<long, Bucket>? _future;

        public int Retention { get; } = retention;

        public long Current { get; private set; } = current;

        public long Count => _slots.Count(s => s is not null) + (_future?.Count ?? 0);

        private int Slot(long index) => (int)(((index % _slots.Length) + _slots.Length) % _slots.Length);

        public Bucket? Find(long index)
        {
            if (index > Current)
            {
                return _future?.GetValueOrDefault(index);
            }

            if (index < Current - Retention)
            {
                return null;
            }

            var bucket = _slots[Slot(index)];
            return bucket?.Index == index ? bucket : null;
        }

        public Bucket? GetOrAdd(long index, int fields)
        {
            if (index > Current)
            {
                _future ??= [];
                if (!_future.TryGetValue(index, out var waiting))
                {
                    waiting = new Bucket(index, fields);
                    _future[index] = waiting;
                }

                return waiting;
            }

            if (index < Current - Retention)
            {
                return null;
            }

            ref var slot = ref _slots[Slot(index)];
            if (slot?.Index != index)
            {
                slot = new Bucket(index, fields);
            }

            return slot;
        }

        public void MoveTo(long to)
        {
            if (to < Current)
            {
                // Back in time: buckets after the new current minute wait as future ones.
                for (var i = Math.Max(to + 1, Current - Retention); i <= Current; i++)
                {
                    if (Find(i) is { } later)
                    {
                        (_future ??= [])[i] = later;
                        _slots[Slot(i)] = null;
                    }
                }

                Current = to;
                return;
            }

            // Slots of the indices entering the ring are exactly those of the indices leaving it.
            for (var i = Math.Max(Current + 1, to - Retention); i <= to; i++)
            {
                _slots[Slot(i)] = _future?.Remove(i, out var waiting) == true ? waiting : null;
            }

            Current = to;
            if (_future is { Count: > 0 })
            {
                foreach (var key in _future.Keys.Where(k => k <= to).ToList())
                {
                    _future.Remove(key); // arrived during a jump longer than the ring and already expired
                }
            }
        }

        public IEnumerable<Bucket> All() => _slots.OfType<Bucket>().Concat(_future?.Values ?? Enumerable.Empty<Bucket>());
    }

    private sealed class WindowSum(bool hourly, long span, int fields, WindowHistogram? histogram)
    {
        public bool Hourly { get; } = hourly;
        public long Span { get; } = span;
        public double[] Sums { get; } = new double[fields];
        public WindowHistogram? Histogram { get; } = histogram;

        public void Clear()
        {
            Array.Clear(Sums);
            Histogram?.Clear();
        }
    }
}

using HdrHistogram;

namespace VibeDashboard.Aggregation;

/// <summary>
/// Tiered rollup of one metric family in one policy tier: minute buckets for the last 24 h, hour buckets for
/// 30 days, and a running sum per window (<see cref="Windows"/>) so that reading a window costs nothing.
/// A bucket holds a few counters and, for latency families, a sparse histogram (HdrHistogram-quantised
/// value → count) that supports removal; only the eight running windows hold a dense HdrHistogram, so
/// memory stays bounded however long the dashboard runs.
/// </summary>
internal sealed class Rollup
{
    public const long MinuteMs = 60_000;
    public const long HourMs = 3_600_000;
    public const int MinuteBuckets = 1440;
    public const int HourBuckets = 720;

    private readonly int _fields;
    private readonly bool _histogram;
    private readonly Dictionary<long, Bucket> _minutes = [];
    private readonly Dictionary<long, Bucket> _hours = [];
    private readonly WindowSum[] _windows;
    private long _minute;
    private long _hour;

    public Rollup(int fields, bool histogram, long nowMs)
    {
        _fields = fields;
        _histogram = histogram;
        _minute = Floor(nowMs, MinuteMs);
        _hour = Floor(nowMs, HourMs);
        _windows = new WindowSum[Windows.All.Count];
        for (var i = 0; i < _windows.Length; i++)
        {
            var (_, length) = Windows.All[i];
            var hourly = length > TimeSpan.FromDays(1);
            var span = (long)(length.TotalMilliseconds / (hourly ? HourMs : MinuteMs));
            _windows[i] = new WindowSum(hourly, span, fields, histogram ? NewHistogram() : null);
        }
    }

    /// <summary>Set whenever a window's content changed; the aggregator clears it after reading.</summary>
    public bool Dirty { get; set; } = true;

    public static LongHistogram NewHistogram() => new(1, 10_000_000_000_000, 2);

    /// <summary>Values are quantised to the histogram's buckets (2 significant digits: under 0.8 % apart).</summary>
    public static readonly LongHistogram Layout = NewHistogram();

    public static long Floor(long ms, long unit) => ms >= 0 ? ms / unit : ((ms + 1) / unit) - 1;

    public void Add(long atMs, int field, double amount)
    {
        if (amount == 0)
        {
            return;
        }

        AddMinute(Floor(atMs, MinuteMs), field, amount);
        AddHour(Floor(atMs, HourMs), field, amount);
    }

    /// <summary>Adds (count &gt; 0) or removes (count &lt; 0) a histogram value.</summary>
    public void AddValue(long atMs, long value, long count)
    {
        var q = Layout.LowestEquivalentValue(Math.Clamp(value, 0, 9_000_000_000_000));
        Apply(_minutes, Floor(atMs, MinuteMs), false, b => AddSparse(b, q, count), w => w.Histogram!.RecordValueWithCount(q, count));
        Apply(_hours, Floor(atMs, HourMs), true, b => AddSparse(b, q, count), w => w.Histogram!.RecordValueWithCount(q, count));
    }

    /// <summary>Spreads an interval's length (ms) over the minute and hour buckets it overlaps (sign ±1).</summary>
    public void AddInterval(long fromMs, long toMs, int field, int sign)
    {
        if (toMs <= fromMs)
        {
            return;
        }

        var firstMinute = Math.Max(Floor(fromMs, MinuteMs), _minute - MinuteBuckets);
        for (var m = firstMinute; m * MinuteMs < toMs; m++)
        {
            var overlap = Math.Min(toMs, (m + 1) * MinuteMs) - Math.Max(fromMs, m * MinuteMs);
            AddMinute(m, field, sign * overlap);
        }

        var firstHour = Math.Max(Floor(fromMs, HourMs), _hour - HourBuckets);
        for (var h = firstHour; h * HourMs < toMs; h++)
        {
            var overlap = Math.Min(toMs, (h + 1) * HourMs) - Math.Max(fromMs, h * HourMs);
            AddHour(h, field, sign * overlap);
        }
    }

    private void AddMinute(long minute, int field, double amount) =>
        Apply(_minutes, minute, false, b => b.Sums[field] += amount, w => w.Sums[field] += amount);

    private void AddHour(long hour, int field, double amount) =>
        Apply(_hours, hour, true, b => b.Sums[field] += amount, w => w.Sums[field] += amount);

    private void Apply(Dictionary<long, Bucket> buckets, long index, bool hourly, Action<Bucket> toBucket, Action<WindowSum> toWindow)
    {
        var current = hourly ? _hour : _minute;
        if (index < current - (hourly ? HourBuckets : MinuteBuckets))
        {
            return; // older than the retention of this tier
        }

        if (!buckets.TryGetValue(index, out var bucket))
        {
            bucket = new Bucket(_fields);
            buckets[index] = bucket;
        }

        toBucket(bucket);
        foreach (var window in _windows)
        {
            if (window.Hourly == hourly && index <= current && index > current - window.Span)
            {
                toWindow(window);
                Dirty = true;
            }
        }
    }

    private static void AddSparse(Bucket bucket, long q, long count)
    {
        bucket.Histogram ??= [];
        var next = bucket.Histogram.GetValueOrDefault(q) + count;
        if (next == 0)
        {
            bucket.Histogram.Remove(q);
        }
        else
        {
            bucket.Histogram[q] = next;
        }
    }

    /// <summary>Moves the windows to the minute and hour of <paramref name="nowMs"/> and drops expired buckets.</summary>
    public void AdvanceTo(long nowMs)
    {
        var minute = Floor(nowMs, MinuteMs);
        var hour = Floor(nowMs, HourMs);
        if (minute != _minute)
        {
            Slide(_minutes, false, _minute, minute);
            _minute = minute;
            Expire(_minutes, minute - MinuteBuckets);
        }

        if (hour != _hour)
        {
            Slide(_hours, true, _hour, hour);
            _hour = hour;
            Expire(_hours, hour - HourBuckets);
        }
    }

    private void Slide(Dictionary<long, Bucket> buckets, bool hourly, long from, long to)
    {
        foreach (var window in _windows)
        {
            if (window.Hourly != hourly)
            {
                continue;
            }

            Dirty = true;
            if (to < from || to - from >= window.Span)
            {
                // A jump longer than the window (or back in time): rebuild it from the buckets.
                window.Clear();
                for (var i = to - window.Span + 1; i <= to; i++)
                {
                    Fold(window, buckets, i, 1);
                }

                continue;
            }

            for (var i = from - window.Span + 1; i <= to - window.Span; i++)
            {
                Fold(window, buckets, i, -1);
            }

            for (var i = from + 1; i <= to; i++)
            {
                Fold(window, buckets, i, 1);
            }
        }
    }

    private static void Fold(WindowSum window, Dictionary<long, Bucket> buckets, long index, int sign)
    {
        if (!buckets.TryGetValue(index, out var bucket))
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
                window.Histogram.RecordValueWithCount(value, sign * count);
            }
        }
    }

    private static void Expire(Dictionary<long, Bucket> buckets, long before)
    {
        List<long>? old = null;
        foreach (var key in buckets.Keys)
        {
            if (key < before)
            {
                (old ??= []).Add(key);
            }
        }

        old?.ForEach(k => buckets.Remove(k));
    }

    public double Sum(int window, int field) => _windows[window].Sums[field];

    public LongHistogram? Histogram(int window) => _windows[window].Histogram;

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
        var buckets = hourly ? _hours : _minutes;
        var unit = hourly ? HourMs : MinuteMs;
        for (var i = fromIndex; i <= toIndex; i++)
        {
            yield return (i * unit, buckets.GetValueOrDefault(i));
        }
    }

    /// <summary>The sum of a field over all retained hour buckets in [fromMs, toMs).</summary>
    public double SumHours(long fromMs, long toMs, int field)
    {
        double sum = 0;
        for (var h = Floor(fromMs, HourMs); h * HourMs < toMs; h++)
        {
            if (_hours.TryGetValue(h, out var bucket))
            {
                sum += bucket.Sums[field];
            }
        }

        return sum;
    }

    public long BucketCount => _minutes.Count + _hours.Count;

    internal sealed class Bucket(int fields)
    {
        public double[] Sums { get; } = new double[fields];

        public Dictionary<long, long>? Histogram { get; set; }
    }

    private sealed class WindowSum(bool hourly, long span, int fields, LongHistogram? histogram)
    {
        public bool Hourly { get; } = hourly;
        public long Span { get; } = span;
        public double[] Sums { get; } = new double[fields];
        public LongHistogram? Histogram { get; } = histogram;

        public void Clear()
        {
            Array.Clear(Sums);
            Histogram?.Reset();
        }
    }
}

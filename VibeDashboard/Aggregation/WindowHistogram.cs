using System.Numerics;

namespace VibeDashboard.Aggregation;

/// <summary>
/// The histogram of one running window: counts per HdrHistogram bucket of <see cref="Rollup.Layout"/> (same index,
/// same quantisation) kept in a Fenwick tree, so adding or removing a value and finding a percentile's rank both
/// cost O(log buckets) instead of a scan over the whole counts array. Percentiles are nearest-rank (the ⌈p·n⌉-th
/// smallest value, see <see cref="Percentiles.Rank"/>), not HdrHistogram's round(p·n), which with 51–100 samples
/// makes p99 the second-largest value; the reported value is the middle of the bucket holding it.
/// </summary>
internal sealed class WindowHistogram
{
    // Rollup.Layout: lowest value 1 (unit magnitude 0), 2 significant digits → 256 sub-buckets, half of them 128.
    private const int SubBucketHalfCountMagnitude = 7;
    private const int SubBucketHalfCount = 1 << SubBucketHalfCountMagnitude;
    private const long SubBucketMask = (2L * SubBucketHalfCount) - 1;
    private const int LeadingZeroCountBase = 64 - SubBucketHalfCountMagnitude - 1;
    private const int Size = 8192; // a power of two above the highest index (4,863 for values up to 9·10¹²)

    private readonly long[] _tree = new long[Size + 1];

    public long TotalCount { get; private set; }

    public void Add(long value, long count)
    {
        for (var i = Index(value) + 1; i <= Size; i += i & -i)
        {
            _tree[i] += count;
        }

        TotalCount += count;
    }

    public void Clear()
    {
        Array.Clear(_tree);
        TotalCount = 0;
    }

    /// <summary>The middle of the bucket holding the value at <paramref name="percentile"/> (0–100); 0 when empty.</summary>
    public long ValueAtPercentile(double percentile)
    {
        if (TotalCount <= 0)
        {
            return 0;
        }

        var rank = Percentiles.Rank(percentile, TotalCount);
        var position = 0;
        for (var step = Size; step > 0; step >>= 1)
        {
            if (position + step <= Size && _tree[position + step] < rank)
            {
                position += step;
                rank -= _tree[position];
            }
        }

        return Rollup.Layout.MedianEquivalentValue(ValueFromIndex(position));
    }

    /// <summary>HdrHistogram's counts index of a value (its <c>GetBucketIndex</c>/<c>GetSubBucketIndex</c> arithmetic).</summary>
    internal static int Index(long value)
    {
        var bucket = LeadingZeroCountBase - BitOperations.LeadingZeroCount((ulong)(value | SubBucketMask));
        var subBucket = (int)(value >> bucket);
        return ((bucket + 1) << SubBucketHalfCountMagnitude) + (subBucket - SubBucketHalfCount);
    }

    /// <summary>The lowest value of the bucket at <paramref name="index"/>.</summary>
    internal static long ValueFromIndex(int index)
    {
        var bucket = (index >> SubBucketHalfCountMagnitude) - 1;
        var subBucket = (index & (SubBucketHalfCount - 1)) + SubBucketHalfCount;
        if (bucket < 0)
        {
            subBucket -= SubBucketHalfCount;
            bucket = 0;
        }

        return (long)subBucket << bucket;
    }
}

using System.Numerics;

namespace Shockwave.Echo;

/// <summary>
/// A thread-safe log-linear histogram of durations in nanoseconds (the HdrHistogram idea, small): values below 64 are
/// counted exactly, larger ones in 32 buckets per power of two, so any percentile is within about 3% of the truth,
/// in a fixed 15 KiB whatever the number of samples.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 5;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Linear = 2 * SubBuckets;
    private const int BucketCount = Linear + ((63 - 6) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Counts one value; negative values count as 0.</summary>
    /// <param name="nanoseconds">The duration.</param>
    public void Record(long nanoseconds) => Interlocked.Increment(ref _counts[IndexOf(Math.Max(0, nanoseconds))]);

    /// <summary>A copy of the counts, for <see cref="Percentile"/> over the whole run or (by difference) an interval.</summary>
    /// <returns>The counts per bucket.</returns>
    public long[] Snapshot()
    {
        long[] copy = new long[BucketCount];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
        }

        return copy;
    }

    /// <summary>The value at or below which <paramref name="percent"/> of the counted values lie.</summary>
    /// <param name="counts">Counts from <see cref="Snapshot"/> (or differences of two).</param>
    /// <param name="percent">0 to 100; 100 gives the largest bucket's upper end.</param>
    /// <returns>The bucket's midpoint in nanoseconds (exact below 64 ns), or 0 when nothing was counted.</returns>
    public static long Percentile(long[] counts, double percent)
    {
        long total = 0;
        foreach (long count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return 0;
        }

        // The rank of the wanted value, 1-based: the 50th percentile of 1..100 is the 50th value.
        long rank = Math.Max(1, (long)Math.Ceiling(percent / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return i < Linear ? i : LowerBound(i) + (Width(i) / 2);
            }
        }

        return LowerBound(counts.Length - 1);
    }

    internal static int IndexOf(long value)
    {
        if (value < Linear)
        {
            return (int)value;
        }

        // value has its top bit at msb >= 6: keep the 5 bits after it as the sub-bucket.
        int msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int sub = (int)(value >> (msb - SubBucketBits)) & (SubBuckets - 1);
        return Linear + ((msb - 6) * SubBuckets) + sub;
    }

    internal static long LowerBound(int index)
    {
        if (index < Linear)
        {
            return index;
        }

        int k = index - Linear;
        int msb = (k / SubBuckets) + 6;
        return (long)(SubBuckets + (k % SubBuckets)) << (msb - SubBucketBits);
    }

    internal static long Width(int index) => index < Linear ? 1 : 1L << ((((index - Linear) / SubBuckets) + 6) - SubBucketBits);
}

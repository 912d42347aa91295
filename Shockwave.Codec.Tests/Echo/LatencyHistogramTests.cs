#if !CODEC_NETSTANDARD
using Shockwave.Echo;
using Xunit;

namespace Shockwave.Codec.Tests.Echo;

public class LatencyHistogramTests
{
    [Fact]
    public void Every_value_falls_in_its_bucket_and_buckets_are_within_one_in_32()
    {
        var values = new List<long>();
        for (long v = 0; v < 5000; v++)
        {
            values.Add(v);
        }

        for (int shift = 13; shift < 63; shift++)
        {
            long power = 1L << shift;
            values.AddRange([power - 1, power, power + 1, power + (power / 3)]);
        }

        values.Add(long.MaxValue);
        foreach (long value in values)
        {
            int index = LatencyHistogram.IndexOf(value);
            long low = LatencyHistogram.LowerBound(index);
            long width = LatencyHistogram.Width(index);
            Assert.InRange(value, low, low + (width - 1));
            Assert.True(width == 1 || width * 32 <= low, $"bucket {index} of {value}: [{low}, +{width})");
            if (value > 0)
            {
                Assert.True(LatencyHistogram.IndexOf(value - 1) <= index);
            }
        }
    }

    [Fact]
    public void Percentiles_of_1_to_1000_microseconds_are_within_3_percent()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1000; i >= 1; i--)
        {
            histogram.Record(i * 1000L);
        }

        long[] counts = histogram.Snapshot();
        Assert.Equal(1000, counts.Sum());
        foreach ((double percent, double expected) in new[] { (50.0, 500_000.0), (90.0, 900_000.0), (99.0, 990_000.0), (100.0, 1_000_000.0) })
        {
            Assert.InRange(LatencyHistogram.Percentile(counts, percent), expected * 0.97, expected * 1.03);
        }
    }

    [Fact]
    public void Small_and_negative_values_are_exact_and_empty_is_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, LatencyHistogram.Percentile(histogram.Snapshot(), 50));
        histogram.Record(-5);
        histogram.Record(7);
        histogram.Record(7);
        long[] counts = histogram.Snapshot();
        Assert.Equal(0, LatencyHistogram.Percentile(counts, 10));
        Assert.Equal(7, LatencyHistogram.Percentile(counts, 50));
    }
}
#endif

using Xunit;

namespace Shockwave.Codec.Tests.Masking;

/// <summary>
/// The generator is cryptographically random by design, so these tests check properties that hold with overwhelming
/// probability: among n 32-bit keys about n²/2³³ collide (0.01 for 10,000 keys, 0.2 for 40,000).
/// </summary>
public class MaskKeyGeneratorTests
{
    [Fact]
    public void Keys_differ_over_many_draws()
    {
        // 10,000 keys span many refills of the per-thread block.
        uint[] keys = [.. Enumerable.Range(0, 10_000).Select(_ => MaskKeyGenerator.NextKey())];

        Assert.True(keys.Distinct().Count() >= keys.Length - 2, "too many repeated keys");
        AssertEveryBitVaries(keys);
    }

    [Fact]
    public void Fill_gives_distinct_keys_across_block_boundaries()
    {
        var keys = new uint[1000];
        MaskKeyGenerator.NextKey(); // start mid-block so the fill straddles a refill
        MaskKeyGenerator.Fill(keys.AsSpan(0, 3));
        MaskKeyGenerator.Fill(keys.AsSpan(3));
        MaskKeyGenerator.Fill(Span<uint>.Empty);

        Assert.True(keys.Distinct().Count() >= keys.Length - 2, "too many repeated keys");
        AssertEveryBitVaries(keys);
    }

    [Fact]
    public void Fill_and_next_key_do_not_hand_out_the_same_key()
    {
        var filled = new uint[300];
        MaskKeyGenerator.Fill(filled);
        uint[] drawn = [.. Enumerable.Range(0, 300).Select(_ => MaskKeyGenerator.NextKey())];

        Assert.True(filled.Concat(drawn).Distinct().Count() >= 598, "keys were handed out twice");
    }

    [Fact]
    public void Concurrent_use_from_several_threads_gives_distinct_keys()
    {
        const int PerThread = 10_000;
        var results = new uint[4][];
        using var start = new Barrier(results.Length);
        Thread[] threads = [.. Enumerable.Range(0, results.Length).Select(t => new Thread(() =>
        {
            var keys = new uint[PerThread];
            start.SignalAndWait();
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = (i & 1) == 0 ? MaskKeyGenerator.NextKey() : NextViaFill();
            }

            results[t] = keys;
        }))];

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        uint[] all = [.. results.SelectMany(keys => keys)];
        Assert.Equal(results.Length * PerThread, all.Length);
        Assert.True(all.Distinct().Count() >= all.Length - 4, "too many repeated keys across threads");

        static uint NextViaFill()
        {
            Span<uint> one = stackalloc uint[1];
            MaskKeyGenerator.Fill(one);
            return one[0];
        }
    }

    [Fact]
    public void Drawing_keys_allocates_nothing_after_warm_up()
    {
        uint[] keys = new uint[10];
        MaskKeyGenerator.NextKey();
        MaskKeyGenerator.Fill(keys);
        uint sum = 0;
        Assert.Equal(0, AllocationCounter.Least(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                sum += MaskKeyGenerator.NextKey(); // crosses several refills
                MaskKeyGenerator.Fill(keys);
            }
        }));
        GC.KeepAlive(sum);
    }

    // Each of the 32 bits is 1 in some key and 0 in another: not constant, not stuck bytes.
    private static void AssertEveryBitVaries(uint[] keys)
    {
        uint any = 0, all = uint.MaxValue;
        foreach (uint key in keys)
        {
            any |= key;
            all &= key;
        }

        Assert.Equal(uint.MaxValue, any);
        Assert.Equal(0u, all);
    }
}

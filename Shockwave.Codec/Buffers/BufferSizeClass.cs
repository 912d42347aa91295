namespace Shockwave.Codec;

/// <summary>
/// The buffer size classes every rented buffer goes through (docs/architecture.md, "Buffers and memory"): 256 B, 1 KiB, 4 KiB, 16 KiB, 64 KiB,
/// then the exact size rounded up to 4 KiB. Few classes keep pool buckets warm and let a receive buffer move up
/// and down one step at a time.
/// </summary>
internal static class BufferSizeClass
{
    public const int Smallest = 256;
    public const int Largest = 64 * 1024;

    /// <summary>The smallest class that holds <paramref name="size"/> bytes.</summary>
    public static int For(long size)
    {
        if (size <= 256)
        {
            return 256;
        }

        if (size <= 1024)
        {
            return 1024;
        }

        if (size <= 4096)
        {
            return 4096;
        }

        if (size <= 16 * 1024)
        {
            return 16 * 1024;
        }

        if (size <= Largest)
        {
            return Largest;
        }

        // Past the largest class, exact sizes rounded to 4 KiB (pages) so close sizes share a rent.
        return (int)Math.Min((size + 4095) & ~4095L, int.MaxValue - 4095);
    }

    /// <summary>The class above <paramref name="size"/>, capped at <paramref name="limit"/>.</summary>
    public static int Next(int size, int limit) => Math.Min(For((long)size + 1), Math.Max(limit, size));

    /// <summary>The class below <paramref name="size"/>, not under <paramref name="floor"/>.</summary>
    public static int Previous(int size, int floor) => Math.Max(size <= 1024 ? 256 : size <= 4096 ? 1024 : size <= 16384 ? 4096 : size <= Largest ? 16384 : Largest, floor);
}

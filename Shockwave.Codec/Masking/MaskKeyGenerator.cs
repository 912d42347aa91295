using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Shockwave.Codec;

/// <summary>
/// Draws frame mask keys from the operating system's cryptographic random number generator, cheaply.
/// </summary>
/// <remarks>
/// RFC 6455 §5.3 requires a fresh mask key for every client frame, unpredictable to the application that supplies the
/// payload (a predictable key would let a script in a browser choose the bytes that reach an intermediary, the cache
/// poisoning attack the mask exists to stop). So the keys come from <see cref="RandomNumberGenerator"/>, never from
/// <see cref="Random"/>. A call into the system generator costs about a microsecond whatever its size, so each thread draws
/// a block of keys at once and hands them out one by one: a few nanoseconds per key, and no allocation after the first
/// key on a thread. All members are thread-safe.
/// </remarks>
public static class MaskKeyGenerator
{
    // 256 keys: one kilobyte per thread that masks, refilled once per 256 frames.
    private const int BlockBytes = 256 * sizeof(uint);

#if !NET8_0_OR_GREATER
    // netstandard2.0 has no static RandomNumberGenerator.Fill. The default implementation's GetBytes is thread-safe.
    private static readonly RandomNumberGenerator s_generator = RandomNumberGenerator.Create();
#endif

    [ThreadStatic]
    private static byte[]? t_block;

    // Bytes of t_block already handed out; BlockBytes when the block is used up (or not yet drawn).
    [ThreadStatic]
    private static int t_used;

    /// <summary>Returns a new, unpredictable mask key.</summary>
    /// <returns>Four random bytes as a key; its least significant byte goes first on the wire, like every key in this library.</returns>
    public static uint NextKey()
    {
        byte[]? block = t_block;
        int used = t_used;
        if (block is null || used > BlockBytes - sizeof(uint))
        {
            return NextKeyAfterRefill();
        }

        t_used = used + sizeof(uint);
        return Unsafe.ReadUnaligned<uint>(ref block[used]);
    }

    /// <summary>Fills <paramref name="keys"/> with new, unpredictable mask keys.</summary>
    /// <param name="keys">Where the keys go: one per frame about to be sent.</param>
    public static void Fill(Span<uint> keys)
    {
        Span<byte> destination = MemoryMarshal.AsBytes(keys);
        while (!destination.IsEmpty)
        {
            byte[] block = t_block is null || t_used == BlockBytes ? Refill() : t_block;
            int used = t_used;
            int count = Math.Min(BlockBytes - used, destination.Length);
            block.AsSpan(used, count).CopyTo(destination);
            t_used = used + count;
            destination = destination.Slice(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint NextKeyAfterRefill()
    {
        byte[] block = Refill();
        t_used = sizeof(uint);
        return Unsafe.ReadUnaligned<uint>(ref block[0]);
    }

    private static byte[] Refill()
    {
        byte[] block = t_block ??= new byte[BlockBytes];
#if NET8_0_OR_GREATER
        RandomNumberGenerator.Fill(block);
#else
        s_generator.GetBytes(block);
#endif
        t_used = 0;
        return block;
    }
}

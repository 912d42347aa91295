using System.Buffers;

namespace Shockwave.Codec;

/// <summary>
/// Who owns a <see cref="PooledMessage"/>'s rented buffer: the buffer, its pool and a version that every
/// <see cref="PooledMessage"/> copy carries. The first <see cref="Release"/> with the current version moves the
/// version on before it returns the buffer, so a copy disposed after the original, a value disposed twice, or a
/// stale copy of a lease that was since reused for another message, all find a different version and do nothing.
/// </summary>
/// <remarks>
/// Leases are recycled through a small process-wide cache, so reading pooled messages allocates nothing in steady
/// state, and a lease holds its own pool, so a message disposed after its connection still returns its buffer.
/// </remarks>
internal sealed class PooledMessageLease
{
    // Enough for every message a busy process holds at once on each core; a lease that finds no free slot is left to
    // the GC, which costs one object, never correctness.
    private const int CacheSize = 64;

    private static readonly PooledMessageLease?[] s_cache = new PooledMessageLease?[CacheSize];

    private byte[]? _buffer;
    private ArrayPool<byte>? _pool;
    private int _version;

    private PooledMessageLease()
    {
    }

    /// <summary>Takes a lease on <paramref name="buffer"/>; <paramref name="version"/> is what its holders must show.</summary>
    public static PooledMessageLease Rent(byte[] buffer, ArrayPool<byte> pool, out int version)
    {
        PooledMessageLease? lease = null;
        for (int i = 0; i < s_cache.Length && lease is null; i++)
        {
            lease = Interlocked.Exchange(ref s_cache[i], null);
        }

        lease ??= new PooledMessageLease();
        lease._buffer = buffer;
        lease._pool = pool;

        // Only the winning Release changes the version, and a cached lease has no current holder left to win.
        version = Volatile.Read(ref lease._version);
        return lease;
    }

    /// <summary>The buffer, or <see langword="null"/> when <paramref name="version"/> was already released.</summary>
    public byte[]? GetBuffer(int version) => Volatile.Read(ref _version) == version ? _buffer : null;

    /// <summary>Returns the buffer to its pool if <paramref name="version"/> is still current; otherwise does nothing.</summary>
    public void Release(int version)
    {
        // The compare-and-exchange is the whole ownership rule: of all copies that race here, exactly one moves the
        // version on, and only that one touches the buffer.
        if (Interlocked.CompareExchange(ref _version, unchecked(version + 1), version) != version)
        {
            return;
        }

        byte[] buffer = _buffer!;
        ArrayPool<byte> pool = _pool!;
        _buffer = null;
        _pool = null;
        pool.Return(buffer);

        for (int i = 0; i < s_cache.Length; i++)
        {
            if (Interlocked.CompareExchange(ref s_cache[i], this, null) is null)
            {
                return;
            }
        }
    }
}

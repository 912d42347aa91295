using System.Buffers;

namespace Shockwave.Codec;

/// <summary>
/// The connection's receive buffer: a pooled array holding the received bytes not yet consumed,
/// <c>[start, end)</c>, which climbs and descends the <see cref="BufferSizeClass"/> classes with the frames it sees
/// and is given back to the pool while the connection idles. A mutable struct embedded in the connection (no object
/// of its own): never copy it, never make the field holding it readonly.
/// </summary>
/// <remarks>
/// The reader owns it while a read runs. The one member another thread may call is <see cref="Release"/> (on
/// shutdown, with no read running, racing only the reader's own release on its way out): both take the array with
/// one interlocked exchange, so it goes back to the pool once.
/// </remarks>
internal partial struct ReceiveBuffer
{
    // Sixteen reads in a row using under a quarter of the buffer take it one class down.
    private const int SmallReadsToShrink = 16;

    private const byte GrowNextFlag = 1;
    private const byte ReleasedForWaitFlag = 2;

    private byte[]? _array;
    private int _start;
    private int _end;
    private byte _smallReads; // saturates at 255: only "16 or more" matters, and a byte keeps idle connections small
    private byte _flags;

    /// <summary>The length of the array held, 0 while none is (tests of the size classes read it from another thread).</summary>
    public int Capacity => Volatile.Read(ref _array)?.Length ?? 0;

    /// <summary>Whether no received byte waits to be consumed.</summary>
    public readonly bool IsEmpty => _start == _end;

    /// <summary>The received bytes not yet consumed: what the decoder is handed.</summary>
    public readonly Span<byte> Window => _array is null ? default : _array.AsSpan(_start, _end - _start);

    /// <summary>Where the next transport read goes, after <see cref="PrepareRead"/>.</summary>
    public readonly Memory<byte> Free => _array.AsMemory(_end);

    /// <summary>Drops <paramref name="count"/> bytes from the head of the <see cref="Window"/>.</summary>
    public void Consume(int count) => _start += count;

    /// <summary>
    /// The last <paramref name="length"/> consumed bytes, until the next <see cref="PrepareRead"/>: the decoder consumes
    /// a control frame whole and its payload (a close frame's reason) ends the frame, so this is that payload.
    /// </summary>
    public readonly ArraySegment<byte> ConsumedTail(int length) => length == 0 ? default : new ArraySegment<byte>(_array!, _start - length, length);

    /// <summary>
    /// Makes room for a read at <see cref="Free"/>: rents the first array, moves one class up when the last read
    /// filled the buffer or the live bytes do (a control frame must always fit), one class down after enough small
    /// reads with nothing live, and otherwise compacts the live bytes to the front when the room left is short.
    /// </summary>
    /// <param name="pool">The pool the arrays come from and go back to.</param>
    /// <param name="maxCapacity">The largest class to climb to.</param>
    public void PrepareRead(ArrayPool<byte> pool, int maxCapacity)
    {
        _flags &= unchecked((byte)~ReleasedForWaitFlag);
        int live = _end - _start;
        byte[]? array = _array;
        int capacity = array?.Length ?? 0;
        int wanted = capacity == 0 ? BufferSizeClass.Smallest : capacity;
        if ((_flags & GrowNextFlag) != 0 || live == capacity)
        {
            wanted = BufferSizeClass.Next(capacity, maxCapacity);
            _flags &= unchecked((byte)~GrowNextFlag);
            _smallReads = 0;
        }
        else if (live == 0 && _smallReads >= SmallReadsToShrink && capacity > BufferSizeClass.Smallest)
        {
            wanted = BufferSizeClass.Previous(capacity, BufferSizeClass.Smallest);
            _smallReads = 0;
        }

        if (array is null || wanted != capacity)
        {
            byte[] next = pool.Rent(Math.Max(wanted, live));
            if (array is not null)
            {
                Buffer.BlockCopy(array, _start, next, 0, live);
                pool.Return(array);
            }

            _array = next;
            _start = 0;
            _end = live;
        }
        else if (live == 0 || capacity - _end < MessageDecoder.MinimumBufferSize)
        {
            // Compact: live bytes to the front, so the read has room for at least a whole control frame.
            Buffer.BlockCopy(array, _start, array, 0, live);
            _start = 0;
            _end = live;
        }
    }

    /// <summary>Records a read of <paramref name="count"/> bytes into <see cref="Free"/>.</summary>
    /// <param name="count">The bytes read, at least 1.</param>
    public void Fill(int count)
    {
        int capacity = _array!.Length;
        _end += count;

        // A read that filled the buffer means frames (or runs of them) outgrow it: one class up before the next read
        // (none at the limit), so that a frame just over a class (a 1 KiB message is a 1,032-byte frame) stops costing
        // two reads.
        if (_end == capacity)
        {
            _flags |= GrowNextFlag;
        }

        _smallReads = count <= capacity / 4 ? (byte)Math.Min(_smallReads + 1, byte.MaxValue) : (byte)0;
    }

    /// <summary>
    /// Gives the array back before a wait for data that needs no buffer (a zero-byte read), so an idle connection
    /// holds none; false when the buffer was already released for a wait since the last <see cref="PrepareRead"/>,
    /// which means that wait is over and the read must now take a buffer.
    /// </summary>
    /// <param name="pool">The pool the array goes back to.</param>
    /// <returns>Whether to wait; only asked with nothing live.</returns>
    public bool ReleaseForWait(ArrayPool<byte> pool)
    {
        if ((_flags & ReleasedForWaitFlag) != 0)
        {
            return false;
        }

        Release(pool);
        _flags |= ReleasedForWaitFlag;
        return true;
    }

    /// <summary>Gives the array back to the pool, dropping any bytes still in it; safe to call twice or concurrently.</summary>
    /// <param name="pool">The pool the array goes back to.</param>
    public void Release(ArrayPool<byte> pool)
    {
        byte[]? array = Interlocked.Exchange(ref _array, null);
        _start = _end = 0;
        if (array is not null)
        {
            pool.Return(array);
        }
    }

    /// <summary>Starts the buffer with bytes that arrived before the connection existed (after an opening handshake).</summary>
    /// <param name="data">The bytes, copied.</param>
    /// <param name="pool">The pool to rent from.</param>
    public void Seed(ReadOnlySpan<byte> data, ArrayPool<byte> pool)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Release(pool);
        byte[] array = pool.Rent(BufferSizeClass.For(Math.Max(data.Length, BufferSizeClass.Smallest)));
        data.CopyTo(array);
        _array = array;
        _end = data.Length;
    }
}

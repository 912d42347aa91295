using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Shockwave.Codec.Testing;

/// <summary>
/// A single-producer, single-consumer byte ring: one direction of an in-memory duplex transport. Reads and writes
/// complete synchronously whenever data (or space) is there; only a read of an empty ring or a write into a full
/// one waits, and waiting allocates nothing on the read side (the ring is its own <see cref="IValueTaskSource{Int32}"/>,
/// and the copy happens in <see cref="IValueTaskSource{Int32}.GetResult"/>), so an idle connection's pending read
/// costs the transport nothing.
/// </summary>
/// <remarks>
/// The producer publishes <c>_writePosition</c> and the consumer <c>_readPosition</c>; each side's "I am waiting" flag
/// is raised with a full fence before it re-checks the other side's position, and each side publishes its position with a
/// full fence before it looks at the other's flag (Dekker), so no wake-up is lost. Continuations run inline on the side
/// that signals. Cancellation is honoured on entry only: the benchmarks never cancel a wait.
/// </remarks>
internal sealed class ByteRing : IValueTaskSource<int>
{
    private readonly byte[] _buffer;
    private readonly int _mask;
    private readonly SpaceSignal _spaceSignal;

    private long _readPosition;
    private long _writePosition;
    private int _completed;

    // The consumer parked on an empty ring, and where its read goes once data arrives.
    private ManualResetValueTaskSourceCore<int> _dataReady;
    private int _readerWaiting;
    private Memory<byte> _pendingDestination;

    // The producer parked on a full ring.
    private int _writerWaiting;

    public ByteRing(int capacity)
    {
        if (capacity < 1 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be a power of two.");
        }

        _buffer = new byte[capacity];
        _mask = capacity - 1;
        _spaceSignal = new SpaceSignal();
    }

    /// <summary>Bytes written and not yet read.</summary>
    public int Count => (int)(Volatile.Read(ref _writePosition) - Volatile.Read(ref _readPosition));

    /// <summary>Ends the ring: a waiting or later read of an empty ring returns 0 (end of stream); writes fail.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            WakeReader();
            WakeWriter();
        }
    }

    // ---- consumer ----------------------------------------------------------------------------------------------

    public ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (TryRead(destination.Span, out int read))
        {
            return new ValueTask<int>(read);
        }

        _pendingDestination = destination;
        _dataReady.Reset();
        Interlocked.Exchange(ref _readerWaiting, 1);
        if (HasDataOrCompleted() && Interlocked.Exchange(ref _readerWaiting, 0) == 1)
        {
            // Data arrived between the first look and raising the flag, and no producer claimed the wake-up.
            _pendingDestination = default;
            TryRead(destination.Span, out read);
            return new ValueTask<int>(read);
        }

        return new ValueTask<int>(this, _dataReady.Version);
    }

    public int Read(Span<byte> destination)
    {
        int read;
        var spinner = default(SpinWait);
        while (!TryRead(destination, out read))
        {
            spinner.SpinOnce();
        }

        return read;
    }

    private bool TryRead(Span<byte> destination, out int read)
    {
        long readPosition = _readPosition;
        int available = (int)(Volatile.Read(ref _writePosition) - readPosition);
        if (available == 0)
        {
            read = 0;
            return Volatile.Read(ref _completed) != 0;
        }

        // A zero-byte read only waits for data; it consumes nothing (the socket semantics).
        int count = Math.Min(available, destination.Length);
        if (count > 0)
        {
            int index = (int)(readPosition & _mask);
            int first = Math.Min(count, _buffer.Length - index);
            _buffer.AsSpan(index, first).CopyTo(destination);
            if (first < count)
            {
                _buffer.AsSpan(0, count - first).CopyTo(destination.Slice(first));
            }

            Interlocked.Exchange(ref _readPosition, readPosition + count);
            if (Volatile.Read(ref _writerWaiting) != 0)
            {
                WakeWriter();
            }
        }

        read = count;
        return true;
    }

    private bool HasDataOrCompleted() =>
        Volatile.Read(ref _writePosition) != Volatile.Read(ref _readPosition) || Volatile.Read(ref _completed) != 0;

    private void WakeReader()
    {
        if (Interlocked.Exchange(ref _readerWaiting, 0) == 1)
        {
            _dataReady.SetResult(0);
        }
    }

    int IValueTaskSource<int>.GetResult(short token)
    {
        _dataReady.GetResult(token);
        Memory<byte> destination = _pendingDestination;
        _pendingDestination = default;
        if (!TryRead(destination.Span, out int read))
        {
            throw new InvalidOperationException("The ring signalled data that is not there.");
        }

        return read;
    }

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _dataReady.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _dataReady.OnCompleted(continuation, state, token, flags);

    // ---- producer ----------------------------------------------------------------------------------------------

    public ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int written = WriteSome(source.Span);
        return written == source.Length ? default : WriteSlowAsync(source.Slice(written));
    }

    public void Write(ReadOnlySpan<byte> source)
    {
        var spinner = default(SpinWait);
        while (!source.IsEmpty)
        {
            int written = WriteSome(source);
            source = source.Slice(written);
            if (written == 0)
            {
                spinner.SpinOnce();
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteSlowAsync(ReadOnlyMemory<byte> source)
    {
        while (!source.IsEmpty)
        {
            await WaitForSpaceAsync().ConfigureAwait(false);
            source = source.Slice(WriteSome(source.Span));
        }
    }

    private ValueTask WaitForSpaceAsync()
    {
        _spaceSignal.Core.Reset();
        Interlocked.Exchange(ref _writerWaiting, 1);
        if ((HasSpace() || Volatile.Read(ref _completed) != 0) && Interlocked.Exchange(ref _writerWaiting, 0) == 1)
        {
            return default;
        }

        return new ValueTask(_spaceSignal, _spaceSignal.Core.Version);
    }

    private int WriteSome(ReadOnlySpan<byte> source)
    {
        if (Volatile.Read(ref _completed) != 0)
        {
            throw new IOException("The in-memory transport is closed.");
        }

        long writePosition = _writePosition;
        int free = _buffer.Length - (int)(writePosition - Volatile.Read(ref _readPosition));
        int count = Math.Min(free, source.Length);
        if (count == 0)
        {
            return 0;
        }

        int index = (int)(writePosition & _mask);
        int first = Math.Min(count, _buffer.Length - index);
        source.Slice(0, first).CopyTo(_buffer.AsSpan(index));
        if (first < count)
        {
            source.Slice(first, count - first).CopyTo(_buffer);
        }

        Interlocked.Exchange(ref _writePosition, writePosition + count);
        if (Volatile.Read(ref _readerWaiting) != 0)
        {
            WakeReader();
        }

        return count;
    }

    private bool HasSpace() => Volatile.Read(ref _writePosition) - Volatile.Read(ref _readPosition) < _buffer.Length;

    private void WakeWriter()
    {
        if (Interlocked.Exchange(ref _writerWaiting, 0) == 1)
        {
            _spaceSignal.Core.SetResult(true);
        }
    }

    /// <summary>What a producer parked on a full ring awaits.</summary>
    private sealed class SpaceSignal : IValueTaskSource
    {
        public ManualResetValueTaskSourceCore<bool> Core;

        public void GetResult(short token) => Core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => Core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            Core.OnCompleted(continuation, state, token, flags);
    }
}

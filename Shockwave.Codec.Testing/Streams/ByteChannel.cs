namespace Shockwave.Codec.Testing;

/// <summary>
/// One direction of an in-memory connection: a bounded ring of bytes with one writing end and one reading end,
/// like a socket's kernel buffer. Operations complete synchronously whenever they can (data to read, room to
/// write), which is the steady state of a busy connection and lets allocation tests run on one thread; otherwise
/// they wait. Blocking waits are bounded, so a broken test fails instead of hanging.
/// </summary>
internal sealed class ByteChannel
{
    /// <summary>The longest a blocking read or write waits before it gives up with <see cref="TimeoutException"/>.</summary>
    public static readonly TimeSpan BlockingLimit = TimeSpan.FromSeconds(60);

    private readonly object _gate = new();
    private readonly byte[] _ring;
    private int _head;
    private int _count;
    private bool _writerCompleted;
    private bool _readerClosed;
    private Exception? _readFault;
    private Exception? _writeFault;
    private TaskCompletionSource<bool>? _readable;
    private TaskCompletionSource<bool>? _writable;
    private int _armedReaders;

    public ByteChannel(int capacity) => _ring = new byte[capacity];

    /// <summary>Bytes written and not yet read.</summary>
    public int Available
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// Whether a read is waiting for data: an asynchronous one with its cancellation registered (so cancelling its token
    /// now cancels that read), or a blocking one parked on the wait (see <see cref="DuplexStream.IsReadPending"/>).
    /// </summary>
    public bool HasArmedReader => Volatile.Read(ref _armedReaders) > 0;

    /// <summary>Whether the writing end finished; readers see end of stream once the bytes left are read.</summary>
    public bool IsWriterCompleted
    {
        get
        {
            lock (_gate)
            {
                return _writerCompleted;
            }
        }
    }

    /// <summary>
    /// Reads what is there, up to <paramref name="destination"/>'s length. With nothing there it waits; a zero-byte
    /// read waits the same way and then returns 0 without consuming anything. Returns 0 at end of stream.
    /// </summary>
    public ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // As a socket does: a cancelled token fails the read even when data is there.
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        Task waiter;
        lock (_gate)
        {
            if (TryReadLocked(destination.Span, out int read))
            {
                return new ValueTask<int>(read);
            }

            waiter = ReadableLocked();
        }

        return ReadSlowAsync(destination, waiter, cancellationToken);
    }

    public int Read(Span<byte> destination)
    {
        while (true)
        {
            Task waiter;
            lock (_gate)
            {
                if (TryReadLocked(destination, out int read))
                {
                    return read;
                }

                waiter = ReadableLocked();
            }

            // A blocked reader counts as armed too: a test may wait until the reader is parked before acting.
            Interlocked.Increment(ref _armedReaders);
            try
            {
                if (!waiter.Wait(BlockingLimit))
                {
                    throw new TimeoutException("A blocking read on the in-memory channel waited too long.");
                }
            }
            finally
            {
                Interlocked.Decrement(ref _armedReaders);
            }
        }
    }

    /// <summary>Writes all of <paramref name="source"/>, waiting for room when the ring is full.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        Task waiter;
        lock (_gate)
        {
            int written = WriteLocked(source.Span);
            if (written == source.Length)
            {
                return default;
            }

            source = source.Slice(written);
            waiter = WritableLocked();
        }

        return WriteSlowAsync(source, waiter, cancellationToken);
    }

    public void Write(ReadOnlySpan<byte> source)
    {
        while (true)
        {
            Task waiter;
            lock (_gate)
            {
                int written = WriteLocked(source);
                source = source.Slice(written);
                if (source.IsEmpty)
                {
                    return;
                }

                waiter = WritableLocked();
            }

            if (!waiter.Wait(BlockingLimit))
            {
                throw new TimeoutException("A blocking write on the in-memory channel waited too long.");
            }
        }
    }

    /// <summary>The writer is done: readers get the remaining bytes, then end of stream. Further writes fail.</summary>
    public void CompleteWriter()
    {
        lock (_gate)
        {
            _writerCompleted = true;
            SignalLocked();
        }
    }

    /// <summary>The reader is gone: pending and later reads fail with <see cref="ObjectDisposedException"/>, writes with a broken pipe.</summary>
    public void CloseReader()
    {
        lock (_gate)
        {
            _readerClosed = true;
            SignalLocked();
        }
    }

    /// <summary>Makes pending and later reads throw <paramref name="exception"/>.</summary>
    public void FailReads(Exception exception)
    {
        lock (_gate)
        {
            _readFault = exception;
            SignalLocked();
        }
    }

    /// <summary>Makes pending and later writes throw <paramref name="exception"/>.</summary>
    public void FailWrites(Exception exception)
    {
        lock (_gate)
        {
            _writeFault = exception;
            SignalLocked();
        }
    }

    private async ValueTask<int> ReadSlowAsync(Memory<byte> destination, Task waiter, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitArmedAsync(waiter, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (TryReadLocked(destination.Span, out int read))
                {
                    return read;
                }

                waiter = ReadableLocked();
            }
        }
    }

    /// <summary>Waits for <paramref name="waiter"/> or the cancellation of this read, counted as an armed reader meanwhile.</summary>
    private async Task WaitArmedAsync(Task waiter, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            Interlocked.Increment(ref _armedReaders);
            try
            {
                await waiter.ConfigureAwait(false);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref _armedReaders);
            }
        }

        // The read counts as armed once it has registered with the token. Its registration is then the newest on the
        // token, and CancellationTokenSource runs callbacks newest first (the runtime's behaviour, not a documented
        // promise): cancelling cancels this read before callbacks registered earlier (ManagedWebSocket's abort, which
        // disposes the stream) can fail it otherwise. The reader resumes on the thread pool, never inline in Cancel,
        // where it would unregister those later callbacks before they run (ManagedWebSocket would then never abort).
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static (state, token) => ((TaskCompletionSource)state!).TrySetCanceled(token), cancelled))
        {
            Interlocked.Increment(ref _armedReaders);
            try
            {
                await Task.WhenAny(waiter, cancelled.Task).ConfigureAwait(false);

                // A cancellation wins over a wake-up that came with it, such as the disposal that the token's older
                // callbacks cause: the read is cancelled, deterministically.
                if (cancelled.Task.IsCompleted)
                {
                    await cancelled.Task.ConfigureAwait(false);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _armedReaders);
            }
        }
    }

    private async ValueTask WriteSlowAsync(ReadOnlyMemory<byte> source, Task waiter, CancellationToken cancellationToken)
    {
        while (true)
        {
            await waiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                int written = WriteLocked(source.Span);
                source = source.Slice(written);
                if (source.IsEmpty)
                {
                    return;
                }

                waiter = WritableLocked();
            }
        }
    }

    private bool TryReadLocked(Span<byte> destination, out int read)
    {
        read = 0;
        if (_readerClosed)
        {
            throw new ObjectDisposedException(nameof(DuplexStream), "The stream was closed on this side.");
        }

        if (_readFault is not null)
        {
            throw _readFault;
        }

        if (_count == 0)
        {
            return _writerCompleted;
        }

        int n = Math.Min(destination.Length, _count);
        int first = Math.Min(n, _ring.Length - _head);
        _ring.AsSpan(_head, first).CopyTo(destination);
        _ring.AsSpan(0, n - first).CopyTo(destination.Slice(first));
        _head = (_head + n) % _ring.Length;
        _count -= n;
        read = n;
        if (n > 0)
        {
            _writable?.TrySetResult(true);
            _writable = null;
        }

        return true;
    }

    private int WriteLocked(ReadOnlySpan<byte> source)
    {
        if (_writeFault is not null)
        {
            throw _writeFault;
        }

        if (_readerClosed)
        {
            throw new IOException("Broken pipe: the other side closed the connection.");
        }

        if (_writerCompleted)
        {
            throw new ObjectDisposedException(nameof(DuplexStream), "The stream was closed on this side.");
        }

        int n = Math.Min(source.Length, _ring.Length - _count);
        int tail = (_head + _count) % _ring.Length;
        int first = Math.Min(n, _ring.Length - tail);
        source.Slice(0, first).CopyTo(_ring.AsSpan(tail));
        source.Slice(first, n - first).CopyTo(_ring);
        _count += n;
        if (n > 0)
        {
            _readable?.TrySetResult(true);
            _readable = null;
        }

        return n;
    }

    private Task ReadableLocked() => (_readable ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private Task WritableLocked() => (_writable ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void SignalLocked()
    {
        _readable?.TrySetResult(true);
        _readable = null;
        _writable?.TrySetResult(true);
        _writable = null;
    }
}

namespace Shockwave.Codec.Tests;

/// <summary>
/// One end of an in-memory, full-duplex byte connection, for putting two WebSocket endpoints (or one endpoint and a
/// test that writes raw bytes) back to back without sockets.
/// </summary>
/// <remarks>
/// It behaves like a connected socket stream where the WebSocket implementations can tell the difference:
/// reads wait for data and honour cancellation; a zero-byte read waits until data is available; disposing one end is
/// a vanished peer, so the other end reads what was already sent and then end of stream (0), and its writes fail with
/// <see cref="IOException"/>; reads pending on an end when that end is disposed fail with
/// <see cref="ObjectDisposedException"/>, as a socket's do when it is closed under them.
/// </remarks>
internal sealed class AdapterDuplexStream : Stream
{
    private readonly Channel _incoming;
    private readonly Channel _outgoing;
    private int _disposed;

    private AdapterDuplexStream(Channel incoming, Channel outgoing)
    {
        _incoming = incoming;
        _outgoing = outgoing;
    }

    /// <summary>
    /// Whether a read on this end is waiting for data with its cancellation registered, so the reader has certainly
    /// started and cancelling its token now cancels this read.
    /// </summary>
    public bool IsReadPending => _incoming.HasArmedWaiter;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Creates two connected ends: what one writes, the other reads.</summary>
    public static (AdapterDuplexStream Left, AdapterDuplexStream Right) CreatePair()
    {
        var leftToRight = new Channel();
        var rightToLeft = new Channel();
        return (new AdapterDuplexStream(rightToLeft, leftToRight), new AdapterDuplexStream(leftToRight, rightToLeft));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _incoming.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _outgoing.Write(buffer);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // The peer reads what was sent, then end of stream; it can no longer send to us.
            _outgoing.CompleteWriting();
            _incoming.CloseReading();
        }

        base.Dispose(disposing);
    }

    /// <summary>One direction: a byte queue with at most one waiting reader.</summary>
    private sealed class Channel
    {
        private readonly object _gate = new();
        private byte[] _buffer = new byte[256];
        private int _start;
        private int _count;
        private bool _writingCompleted;
        private bool _readingClosed;
        private TaskCompletionSource<bool>? _waiter;

        // Set once the waiting read has registered with its token. Before that, a cancellation reaches only callbacks
        // registered earlier (ManagedWebSocket's abort, which disposes the stream), so the read would fail with
        // ObjectDisposedException instead of being cancelled: tests that cancel "while the read waits" must wait for
        // this, not just for the waiter. After it, ours runs first: CancellationTokenSource runs callbacks newest
        // first (the runtime's behaviour, not a documented promise).
        private bool _waiterArmed;

        public bool HasArmedWaiter
        {
            get
            {
                lock (_gate)
                {
                    return _waiter is not null && _waiterArmed;
                }
            }
        }

        public void Write(ReadOnlySpan<byte> data)
        {
            TaskCompletionSource<bool>? waiter;
            lock (_gate)
            {
                if (_readingClosed || _writingCompleted)
                {
                    throw new IOException("The other end of the in-memory connection is closed.");
                }

                EnsureRoom(data.Length);
                data.CopyTo(_buffer.AsSpan(_start + _count));
                _count += data.Length;
                waiter = TakeWaiter();
            }

            waiter?.TrySetResult(true);
        }

        public void CompleteWriting()
        {
            TaskCompletionSource<bool>? waiter;
            lock (_gate)
            {
                _writingCompleted = true;
                waiter = TakeWaiter();
            }

            waiter?.TrySetResult(true);
        }

        public void CloseReading()
        {
            TaskCompletionSource<bool>? waiter;
            lock (_gate)
            {
                _readingClosed = true;
                waiter = TakeWaiter();
            }

            waiter?.TrySetException(new ObjectDisposedException(nameof(AdapterDuplexStream)));
        }

        public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TaskCompletionSource<bool> waiter;
                lock (_gate)
                {
                    if (_readingClosed)
                    {
                        throw new ObjectDisposedException(nameof(AdapterDuplexStream));
                    }

                    if (_count > 0)
                    {
                        // A zero-byte read completes once data is there, consuming nothing.
                        int n = Math.Min(_count, destination.Length);
                        _buffer.AsSpan(_start, n).CopyTo(destination.Span);
                        _start += n;
                        _count -= n;
                        return n;
                    }

                    if (_writingCompleted)
                    {
                        return 0;
                    }

                    if (_waiter is not null)
                    {
                        throw new InvalidOperationException("Only one read at a time.");
                    }

                    waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiter = waiter;
                }

                using (cancellationToken.Register(() => Cancel(waiter, cancellationToken)))
                {
                    lock (_gate)
                    {
                        // Only this read's own waiter, if no write or cancel has taken it meanwhile.
                        if (_waiter == waiter)
                        {
                            _waiterArmed = true;
                        }
                    }

                    await waiter.Task.ConfigureAwait(false);
                }
            }
        }

        private void Cancel(TaskCompletionSource<bool> waiter, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (_waiter == waiter)
                {
                    _waiter = null;
                    _waiterArmed = false;
                }
            }

            waiter.TrySetCanceled(cancellationToken);
        }

        private TaskCompletionSource<bool>? TakeWaiter()
        {
            TaskCompletionSource<bool>? waiter = _waiter;
            _waiter = null;
            _waiterArmed = false;
            return waiter;
        }

        private void EnsureRoom(int extra)
        {
            if (_start + _count + extra <= _buffer.Length)
            {
                return;
            }

            byte[] next = _count + extra <= _buffer.Length ? _buffer : new byte[Math.Max(_buffer.Length * 2, _count + extra)];
            Buffer.BlockCopy(_buffer, _start, next, 0, _count);
            _buffer = next;
            _start = 0;
        }
    }
}

namespace Shockwave.Codec.Testing;

/// <summary>
/// One end of an in-memory, full-duplex byte connection (<see cref="Create"/> makes both ends): what one end writes,
/// the other reads. Async and blocking reads and writes, zero-byte reads that wait for data, bounded buffering with
/// back-pressure, and switches to make the end vanish or fail. It behaves like a connected socket stream where the
/// WebSocket implementations can tell the difference: reads honour cancellation (a cancelled token fails a read even
/// when data is there); disposing one end is a vanished peer, so the other end reads what was already sent and then end
/// of stream (0), and its writes fail with <see cref="IOException"/>; reads pending on an end when that end is disposed
/// fail with <see cref="ObjectDisposedException"/>, as a socket's do when it is closed under them.
/// </summary>
/// <remarks>
/// Operations complete synchronously whenever data (or room) is already there. The <see cref="Task"/>-returning
/// overloads, which the netstandard2.0 build of the library calls, hand back a cached task per byte count when they
/// complete synchronously (<see cref="MemoryStream"/> caches its last one), so they allocate nothing in steady
/// state either and the allocation tests measure the library alone. Continuations run asynchronously and waits are
/// bounded (<see cref="ByteChannel.BlockingLimit"/>): a test double's job is to behave and to fail loudly. The
/// benchmarks' transport, <see cref="LockFreeDuplexStream"/>, makes the opposite trade.
/// </remarks>
internal sealed class DuplexStream : SequentialStream
{
    public const int DefaultCapacity = 1024 * 1024;

    private readonly ByteChannel _input;
    private readonly ByteChannel _output;
    private readonly Dictionary<int, Task<int>> _readTasks = [];
    private int _disposed;

    private DuplexStream(ByteChannel input, ByteChannel output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>Creates two connected ends; each direction buffers up to <paramref name="capacity"/> bytes.</summary>
    public static (DuplexStream A, DuplexStream B) Create(int capacity = DefaultCapacity)
    {
        var aToB = new ByteChannel(capacity);
        var bToA = new ByteChannel(capacity);
        return (new DuplexStream(bToA, aToB), new DuplexStream(aToB, bToA));
    }

    /// <summary>Bytes the other end wrote that this end has not read yet.</summary>
    public int Available => _input.Available;

    /// <summary>Whether this end was disposed or vanished.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Whether a read on this end is waiting for data with its cancellation registered, so the reader has certainly
    /// started and cancelling its token now cancels this read.
    /// </summary>
    public bool IsReadPending => _input.HasArmedReader;

    /// <summary>Whether the other end will send nothing more (it was disposed or vanished).</summary>
    public bool RemoteEnded => _input.IsWriterCompleted;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    /// <summary>
    /// This end disappears, as a crashed peer does: the other end reads what was already sent and then end of
    /// stream, and its writes fail as on a broken connection.
    /// </summary>
    public void Vanish() => Dispose();

    /// <summary>Makes this end's pending and later reads throw <paramref name="exception"/>.</summary>
    public void FailReads(Exception exception) => _input.FailReads(exception);

    /// <summary>Makes this end's pending and later writes throw <paramref name="exception"/>.</summary>
    public void FailWrites(Exception exception) => _output.FailWrites(exception);

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => _input.Read(buffer);

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _input.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValueTask<int> read = _input.ReadAsync(buffer.AsMemory(offset, count), cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            return read.AsTask();
        }

        int n = read.Result;
        lock (_readTasks)
        {
            if (!_readTasks.TryGetValue(n, out Task<int>? task))
            {
                _readTasks[n] = task = Task.FromResult(n);
            }

            return task;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _output.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _output.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValueTask write = _output.WriteAsync(buffer.AsMemory(offset, count), cancellationToken);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;


    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _output.CompleteWriter();
            _input.CloseReader();
        }

        base.Dispose(disposing);
    }
}

namespace Shockwave.Codec.Testing;

/// <summary>
/// One end of an in-memory duplex byte stream: it reads from one <see cref="ByteRing"/> and writes into the other.
/// Reads and writes complete synchronously whenever data or space is there, so a single thread can drive both ends of
/// a conversation; a read of an empty ring waits without allocating, and a zero-byte read waits for data without
/// consuming it (the semantics of a socket), so it supports <c>MessageConnectionOptions.UseZeroByteReads</c>.
/// Both stacks under comparison get exactly this transport.
/// </summary>
/// <remarks>
/// The benchmarks' transport, on the measured path of the echo benchmarks: no lock, no allocation per read or write,
/// continuations inline on the signalling side, blocking calls that spin, cancellation honoured on entry only. Tests
/// want the opposite (cancellable waits, injected faults, bounded blocking waits, asynchronous continuations) and use
/// <see cref="DuplexStream"/>; the two are kept apart so that neither pays for the other.
/// </remarks>
internal sealed class LockFreeDuplexStream : SequentialStream
{
    private readonly ByteRing _incoming;
    private readonly ByteRing _outgoing;

    private LockFreeDuplexStream(ByteRing incoming, ByteRing outgoing)
    {
        _incoming = incoming;
        _outgoing = outgoing;
    }

    /// <summary>Bytes written by the other end and not yet read by this one.</summary>
    public int Available => _incoming.Count;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    /// <summary>Creates two connected ends; each direction buffers up to <paramref name="capacity"/> bytes (a power of two).</summary>
    public static (LockFreeDuplexStream First, LockFreeDuplexStream Second) CreatePair(int capacity)
    {
        var forward = new ByteRing(capacity);
        var backward = new ByteRing(capacity);
        return (new LockFreeDuplexStream(backward, forward), new LockFreeDuplexStream(forward, backward));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _incoming.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _incoming.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer) => _incoming.Read(buffer);

    public override int Read(byte[] buffer, int offset, int count) => _incoming.Read(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _outgoing.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _outgoing.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer) => _outgoing.Write(buffer);

    public override void Write(byte[] buffer, int offset, int count) => _outgoing.Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The peer reads end of stream; a read pending here ends too.
            _outgoing.Complete();
            _incoming.Complete();
        }

        base.Dispose(disposing);
    }
}

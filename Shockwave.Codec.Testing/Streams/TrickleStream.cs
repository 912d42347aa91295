namespace Shockwave.Codec.Testing;

/// <summary>
/// Wraps a stream so that reads follow a plan of sizes, the transport's segment boundaries: by default every read
/// returns at most 1 byte, the worst case a transport may legally produce. A read returns at most what is left of the
/// current planned chunk (less when the caller's buffer is smaller; the next read then continues the same chunk), and
/// the plan's sizes repeat. Zero-byte reads pass through and use up nothing. Writes, and every other member, go straight
/// to the inner stream, which this wrapper owns. Deterministic: the fuzz harness replays its planned reads with it.
/// </summary>
internal sealed class TrickleStream : SequentialStream
{
    private readonly Stream _inner;
    private readonly int[] _plan;
    private int _chunk;
    private int _leftInChunk;

    /// <summary>Every read returns at most <paramref name="maxReadSize"/> bytes.</summary>
    public TrickleStream(Stream inner, int maxReadSize = 1)
        : this(inner, [maxReadSize])
    {
    }

    /// <summary>Reads return the chunks <paramref name="readSizes"/> plans, in order and then again from the first.</summary>
    public TrickleStream(Stream inner, IReadOnlyList<int> readSizes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfZero(readSizes.Count, nameof(readSizes));
        foreach (int size in readSizes)
        {
            // A zero-sized chunk would make a read return 0, which callers take for the end of the stream.
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1, nameof(readSizes));
        }

        _inner = inner;
        _plan = [.. readSizes];
        _leftInChunk = _plan[0];
    }

    public override bool CanRead => _inner.CanRead;

    public override bool CanWrite => _inner.CanWrite;

    public override int Read(byte[] buffer, int offset, int count) => Consumed(_inner.Read(buffer, offset, Allowed(count)));

    public override int Read(Span<byte> buffer) => Consumed(_inner.Read(buffer.Slice(0, Allowed(buffer.Length))));

    // A read that completes at once is accounted for at once and handed back as it is, so the wrapper adds no
    // allocation to the allocation tests that run through it.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> read = _inner.ReadAsync(buffer.Slice(0, Allowed(buffer.Length)), cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<int>(Consumed(read.Result)) : ConsumedAsync(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Task<int> read = _inner.ReadAsync(buffer, offset, Allowed(count), cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            Consumed(read.Result);
            return read;
        }

        return ConsumedAsync(read).AsTask();
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);


    private int Allowed(int requested) => Math.Min(requested, _leftInChunk);

    private async ValueTask<int> ConsumedAsync(ValueTask<int> read) => Consumed(await read.ConfigureAwait(false));

    private async ValueTask<int> ConsumedAsync(Task<int> read) => Consumed(await read.ConfigureAwait(false));

    private int Consumed(int read)
    {
        _leftInChunk -= read;
        if (_leftInChunk == 0)
        {
            _chunk = (_chunk + 1) % _plan.Length;
            _leftInChunk = _plan[_chunk];
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

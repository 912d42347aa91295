namespace Shockwave.Codec.Tests;

/// <summary>
/// Wraps a stream so that every read returns at most <see cref="MaxReadSize"/> bytes (1 by default), the worst
/// case a transport may legally produce; zero-byte reads pass through. Writes, and every other member, go straight
/// to the inner stream, which this wrapper owns.
/// </summary>
internal sealed class TrickleStream : Stream
{
    private readonly Stream _inner;

    public TrickleStream(Stream inner, int maxReadSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReadSize, 1);
        _inner = inner;
        MaxReadSize = maxReadSize;
    }

    public int MaxReadSize { get; }

    public override bool CanRead => _inner.CanRead;

    public override bool CanWrite => _inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, MaxReadSize));

    public override int Read(Span<byte> buffer) => _inner.Read(buffer.Slice(0, Math.Min(buffer.Length, MaxReadSize)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer.Slice(0, Math.Min(buffer.Length, MaxReadSize)), cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, offset, Math.Min(count, MaxReadSize), cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

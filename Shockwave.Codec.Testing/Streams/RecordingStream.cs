namespace Shockwave.Codec.Testing;

/// <summary>
/// Wraps a stream and keeps a copy of every byte read from it and written to it, so a test can parse afterwards
/// exactly what crossed the wire in each direction (pings and pongs included). Owns the inner stream.
/// </summary>
internal sealed class RecordingStream : SequentialStream
{
    private readonly Stream _inner;
    private readonly Lock _gate = new();
    private readonly MemoryStream _read = new();
    private readonly MemoryStream _written = new();

    public RecordingStream(Stream inner) => _inner = inner;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    /// <summary>A copy of everything read so far.</summary>
    public byte[] BytesRead
    {
        get
        {
            lock (_gate)
            {
                return _read.ToArray();
            }
        }
    }

    /// <summary>A copy of everything written so far.</summary>
    public byte[] BytesWritten
    {
        get
        {
            lock (_gate)
            {
                return _written.ToArray();
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        Record(_read, buffer.Slice(0, n));
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Record(_read, buffer.Span.Slice(0, n));
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // Recorded before the write so that a reader woken by it finds the bytes already in the record.
        Record(_written, buffer);
        _inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Record(_written, buffer.Span);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Record(MemoryStream log, ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            log.Write(bytes);
        }
    }
}

namespace Shockwave.Codec.Testing;

/// <summary>
/// A stream that accepts every write at once and keeps only the byte count (so a send benchmark has a result to return);
/// reads report end of stream. Readable only because <c>WebSocket.CreateFromStream</c> insists on it.
/// </summary>
internal sealed class DiscardStream : SequentialStream
{
    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override void Write(ReadOnlySpan<byte> buffer) => BytesWritten += buffer.Length;

    public override void Write(byte[] buffer, int offset, int count) => BytesWritten += count;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        BytesWritten += buffer.Length;
        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        BytesWritten += count;
        return Task.CompletedTask;
    }

    public override int Read(Span<byte> buffer) => 0;

    public override int Read(byte[] buffer, int offset, int count) => 0;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(0);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(0);

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

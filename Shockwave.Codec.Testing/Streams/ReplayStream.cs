namespace Shockwave.Codec.Testing;

/// <summary>
/// A read-only stream that replays the same bytes: a read returns what is left up to the end of the data (never
/// wrapping inside one read). Looping, the next read starts again from the beginning, forever (the benchmarks' data is a
/// whole number of frames, so the wrap always falls on a frame boundary); otherwise reads report end of stream once the
/// data is read. Writes are discarded (a server may owe a pong; wrap this in a <see cref="RecordingStream"/> to keep it).
/// </summary>
internal sealed class ReplayStream : SequentialStream
{
    private readonly byte[] _data;
    private readonly bool _loop;
    private int _position;

    /// <param name="data">The bytes to replay; not copied.</param>
    /// <param name="loop">Whether to start again at the end of the data instead of reporting end of stream.</param>
    public ReplayStream(byte[] data, bool loop = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (loop && data.Length == 0)
        {
            throw new ArgumentException("Nothing to replay.", nameof(data));
        }

        _data = data;
        _loop = loop;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override int Read(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _data.Length - _position);
        _data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        if (_loop && _position == _data.Length)
        {
            _position = 0;
        }

        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

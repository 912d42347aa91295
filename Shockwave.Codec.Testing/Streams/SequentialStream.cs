namespace Shockwave.Codec.Testing;

/// <summary>
/// The base of the test streams: a byte stream that cannot seek, as a socket or a TLS stream cannot, so each stream
/// here only says how it reads, writes and flushes.
/// </summary>
internal abstract class SequentialStream : Stream
{
    public sealed override bool CanSeek => false;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();
}

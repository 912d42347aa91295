namespace Shockwave.Codec;

/// <summary>A raw zlib deflate stream in the runtime's native library (see <see cref="ZlibNative"/>).</summary>
internal sealed unsafe class NativeDeflater : Deflater
{
    private readonly ZStreamHandle _handle;

    public NativeDeflater(int level, int windowBits)
    {
        Level = level;
        WindowBits = windowBits;
        _handle = ZStreamHandle.CreateDeflater(level, windowBits);
    }

    public override int Level { get; }

    public override int WindowBits { get; }

    public override bool IsPoolable => true;

    public override int Compress(ReadOnlySpan<byte> source, Span<byte> destination, bool fullFlush)
    {
        int status;
        ZlibNative.ZStream* stream = _handle.Stream;
        fixed (byte* input = source)
        fixed (byte* output = destination)
        {
            stream->NextIn = input;
            stream->AvailIn = (uint)source.Length;
            stream->NextOut = output;
            stream->AvailOut = (uint)destination.Length;
            status = ZlibNative.Deflate(stream, fullFlush ? ZlibNative.FullFlush : ZlibNative.SyncFlush);
            stream->NextIn = null;
            stream->NextOut = null;
        }

        GC.KeepAlive(_handle);
        int written = destination.Length - (int)stream->AvailOut;

        // zlib answers Z_BUF_ERROR to a flush with no new input after a flush of the same or a stronger kind:
        // the stream is already at a byte boundary and there is nothing to write.
        if (status == ZlibNative.BufferError && source.IsEmpty && written == 0)
        {
            return 0;
        }

        // With the destination at least GetMaxCompressedLength long, one call consumes everything and completes the
        // flush; anything else is a bug here, not bad peer data.
        if (status != ZlibNative.Ok || stream->AvailIn != 0 || stream->AvailOut == 0)
        {
            ThrowHelper.ThrowInvalidOperation($"zlib deflate did not complete (status {status}).");
        }

        return written;
    }

    public override void Dispose() => _handle.Dispose();
}

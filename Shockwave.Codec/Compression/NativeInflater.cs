namespace Shockwave.Codec;

/// <summary>A raw zlib inflate stream in the runtime's native library (see <see cref="ZlibNative"/>).</summary>
internal sealed unsafe class NativeInflater : Inflater
{
    private readonly ZStreamHandle _handle;

    public NativeInflater(int windowBits)
    {
        WindowBits = windowBits;
        _handle = ZStreamHandle.CreateInflater(windowBits);
    }

    public override int WindowBits { get; }

    public override bool IsPoolable => true;

    public override InflateResult Inflate(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesConsumed, out int bytesWritten)
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

            // Z_NO_FLUSH: inflate runs until the input is used up or the output is full, whichever comes first.
            status = ZlibNative.Inflate(stream, ZlibNative.NoFlush);
            stream->NextIn = null;
            stream->NextOut = null;
        }

        GC.KeepAlive(_handle);
        bytesConsumed = source.Length - (int)stream->AvailIn;
        bytesWritten = destination.Length - (int)stream->AvailOut;
        switch (status)
        {
            case ZlibNative.StreamEnd:
                return InflateResult.StreamEnd;
            case ZlibNative.Ok:
            case ZlibNative.BufferError: // no progress possible: needs input or output, not an error
                return stream->AvailOut == 0 ? InflateResult.OutputFull : InflateResult.NeedsInput;
            case ZlibNative.MemoryError:
                throw new OutOfMemoryException("zlib could not allocate its window.");
            default:
                // Z_DATA_ERROR (bad block, distance beyond the window), Z_NEED_DICT, Z_STREAM_ERROR: the peer's data.
                return InflateResult.Corrupt;
        }
    }

    public override bool TryReset()
    {
        int status = ZlibNative.ResetInflater(_handle.Stream, WindowBits);
        GC.KeepAlive(_handle);
        return status == ZlibNative.Ok;
    }

    public override void Dispose() => _handle.Dispose();
}

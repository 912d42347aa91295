namespace Shockwave.Codec;

/// <summary>One deflate state of either engine, behind <see cref="PerMessageDeflateCompressor"/>.</summary>
internal abstract class Deflater : IDisposable
{
    /// <summary>The parameters the state was made with; the pool's key.</summary>
    public abstract int Level { get; }

    /// <inheritdoc cref="Level"/>
    public abstract int WindowBits { get; }

    /// <summary>Whether, after a full flush, the state can serve another compressor (only the native one can).</summary>
    public abstract bool IsPoolable { get; }

    /// <summary>
    /// Compresses all of <paramref name="source"/> and flushes to a byte boundary, so that the output ends with the
    /// empty stored block 00 00 FF FF (RFC 7692 §7.2.1). A full flush also forgets the history; engines that cannot
    /// do that are not pooled and are dropped instead. <paramref name="destination"/> is at least
    /// <see cref="PerMessageDeflateCompressor.GetMaxCompressedLength"/> long.
    /// </summary>
    /// <returns>The bytes written; 0 when <paramref name="source"/> is empty and the state was already flushed.</returns>
    public abstract int Compress(ReadOnlySpan<byte> source, Span<byte> destination, bool fullFlush);

    /// <summary>Frees the state (native memory for the native engine).</summary>
    public abstract void Dispose();
}

/// <summary>What one <see cref="Inflater.Inflate"/> call ended with.</summary>
internal enum InflateResult
{
    /// <summary>All input was consumed and the output has room left, so no output is pending.</summary>
    NeedsInput,

    /// <summary>The output is full; output may be pending and input may be left.</summary>
    OutputFull,

    /// <summary>A block with BFINAL=1 ended the deflate stream (RFC 7692 §7.2.3.4); input after it is not read.</summary>
    StreamEnd,

    /// <summary>The input is not valid deflate data, or refers back beyond the window.</summary>
    Corrupt,
}

/// <summary>One inflate state of either engine, behind <see cref="PerMessageDeflateDecompressor"/>.</summary>
internal abstract class Inflater : IDisposable
{
    /// <inheritdoc cref="Deflater.WindowBits"/>
    public abstract int WindowBits { get; }

    /// <inheritdoc cref="Deflater.IsPoolable"/>
    public abstract bool IsPoolable { get; }

    /// <summary>Inflates as much of <paramref name="source"/> into <paramref name="destination"/> as fits.</summary>
    public abstract InflateResult Inflate(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesConsumed, out int bytesWritten);

    /// <summary>Forgets the window and any partial block, ready for a new deflate stream.</summary>
    /// <returns>False when the engine cannot, and the caller must make a new state.</returns>
    public abstract bool TryReset();

    /// <inheritdoc cref="Deflater.Dispose"/>
    public abstract void Dispose();
}

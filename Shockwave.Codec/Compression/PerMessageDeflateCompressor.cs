using System.Buffers;

namespace Shockwave.Codec;

/// <summary>
/// Compresses messages for permessage-deflate (RFC 7692 §7.2.1), sans I/O: payload bytes in, the payload of
/// frames with RSV1 set out. One instance per connection and direction; not thread-safe.
/// </summary>
/// <remarks>
/// <para>With context takeover the zlib state (about 256 KiB at window 15, memory level 8) lives until
/// <see cref="Dispose"/>. Without it the state is rented from a small process-wide pool at a message's first call and
/// returned at its end, after a full flush that makes it forget the message, so an idle connection holds none.</para>
/// <para>Usage for a whole message:</para>
/// <code>
/// byte[] wire = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(payload.Length)];
/// compressor.Compress(payload, wire, endOfMessage: true, out _, out int length);
/// // send wire[..length] as one frame with RSV1 set, or — if length >= payload.Length — send payload
/// // uncompressed instead and call compressor.Reset().
/// </code>
/// </remarks>
public sealed class PerMessageDeflateCompressor : IDisposable
{
    /// <summary>The empty stored block a flush ends with, which the sender removes (RFC 7692 §7.2.1).</summary>
    internal static ReadOnlySpan<byte> FlushMarker => [0x00, 0x00, 0xFF, 0xFF];

    private readonly DeflateEngineKind _engine;
    private readonly int _level;
    private readonly int _windowBits;
    private readonly bool _contextTakeover;
    private Deflater? _deflater;
    private bool _disposed;

    /// <summary>Creates a compressor for the messages one endpoint sends.</summary>
    /// <param name="agreed">The negotiated parameters (<see cref="PerMessageDeflateNegotiator"/>).</param>
    /// <param name="role">The sending endpoint: a server compresses with the <c>Server*</c> parameters, a client with
    /// the <c>Client*</c> ones.</param>
    /// <exception cref="ArgumentNullException"><paramref name="agreed"/> is null.</exception>
    public PerMessageDeflateCompressor(PerMessageDeflateOptions agreed, WebSocketRole role)
        : this(agreed, role, DeflateEngine.Default)
    {
    }

    internal PerMessageDeflateCompressor(PerMessageDeflateOptions agreed, WebSocketRole role, DeflateEngineKind engine)
    {
        if (agreed is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(agreed));
        }

        _engine = engine;
        _level = agreed.CompressionLevel;
        _windowBits = agreed.GetMaxWindowBits(role);
        _contextTakeover = agreed.GetContextTakeover(role);
        if (!DeflateEngine.CanCompressWithWindowBits(engine, _windowBits))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(agreed), "This deflate engine compresses with window bits 15 only.");
        }
    }

    /// <summary>Whether the compressor holds a zlib state now (tests and measurements).</summary>
    internal bool HoldsState => _deflater is not null;

    /// <summary>
    /// The destination length that <see cref="Compress"/> needs for <paramref name="length"/> bytes of source:
    /// zlib's worst case for any level and window (input that does not compress grows by at most an eighth, when
    /// zlib-ng's fastest level codes every byte with 9 bits), plus room for the flush markers.
    /// </summary>
    /// <param name="length">The source length.</param>
    /// <returns>The bound, in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative, or the bound does not fit
    /// an <see cref="int"/>.</exception>
    public static int GetMaxCompressedLength(int length)
    {
        if (length < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(length), "The length cannot be negative.");
        }

        long bound = (long)length + ((length + 7L) >> 3) + ((length + 63L) >> 6) + 32;
        if (bound > int.MaxValue)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(length), "The compressed bound does not fit an Int32.");
        }

        return (int)bound;
    }

    /// <summary>
    /// Compresses one fragment of a message, or a whole message, in a single call. A non-final fragment is
    /// sync-flushed and keeps its 00 00 FF FF marker, so that every fragment can be sent as soon as it is made; the
    /// last one is flushed and loses the marker, which the receiver appends again (RFC 7692 §7.2.1). Without context
    /// takeover the last flush is a full flush, which forgets the message.
    /// </summary>
    /// <param name="source">The payload bytes of this fragment (may be empty).</param>
    /// <param name="destination">Where the compressed bytes go; at least
    /// <see cref="GetMaxCompressedLength"/>(<paramref name="source"/>.Length) long.</param>
    /// <param name="endOfMessage">Whether this is the message's last fragment.</param>
    /// <param name="bytesConsumed">The source bytes consumed: all of them, or none.</param>
    /// <param name="bytesWritten">The compressed bytes written.</param>
    /// <returns><see cref="OperationStatus.Done"/>: all of <paramref name="source"/> was compressed and flushed.
    /// <see cref="OperationStatus.DestinationTooSmall"/>: <paramref name="destination"/> is shorter than the bound;
    /// nothing was done.</returns>
    /// <exception cref="ObjectDisposedException">The compressor was disposed.</exception>
    public OperationStatus Compress(ReadOnlySpan<byte> source, Span<byte> destination, bool endOfMessage, out int bytesConsumed, out int bytesWritten)
    {
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(PerMessageDeflateCompressor));
        }

        if (destination.Length < GetMaxCompressedLength(source.Length))
        {
            bytesConsumed = 0;
            bytesWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }

        Deflater deflater = _deflater ??= RentDeflater();
        int written = deflater.Compress(source, destination, fullFlush: endOfMessage && !_contextTakeover);
        if (endOfMessage)
        {
            written = RemoveFlushMarker(destination, written);
            if (!_contextTakeover)
            {
                // Already fully flushed; the flush in ReleaseDeflater finds nothing to do (Z_BUF_ERROR) and writes nothing.
                ReleaseDeflater();
            }
        }

        bytesConsumed = source.Length;
        bytesWritten = written;
        return OperationStatus.Done;
    }

    /// <summary>
    /// Forgets the compression context: call it after sending a message uncompressed that was already given to
    /// <see cref="Compress"/> (for instance because it did not shrink), since the peer never saw the compressed form
    /// that later messages could otherwise refer to. Also abandons a message in progress. On the native engine this is
    /// a full flush into scratch space, without allocation.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The compressor was disposed.</exception>
    public void Reset()
    {
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(PerMessageDeflateCompressor));
        }

        if (_deflater is null)
        {
            return;
        }

        if (_contextTakeover && _deflater is NativeDeflater native)
        {
            ForgetHistory(native);
        }
        else
        {
            ReleaseDeflater();
        }
    }

    /// <summary>Frees the compression state, or returns it cleaned to the pool; a second call does nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseDeflater();
    }

    private Deflater RentDeflater() =>
        _engine == DeflateEngineKind.Native
            ? ZlibStatePool.RentDeflater(_level, _windowBits)
            : new ManagedDeflater(_level);

    /// <summary>Gives the state back: a native one to the pool once it has forgotten its history, a managed one to the GC.</summary>
    private void ReleaseDeflater()
    {
        Deflater? deflater = _deflater;
        _deflater = null;
        if (deflater is NativeDeflater native)
        {
            ForgetHistory(native);
            ZlibStatePool.Return(native);
        }
        else
        {
            deflater?.Dispose();
        }
    }

    private static void ForgetHistory(NativeDeflater deflater)
    {
        // A full flush clears zlib's match history (every message we send has been flushed, so no input is pending).
        // Its bytes, an empty stored block, are dropped: the stream stays at the byte boundary where the peer's
        // inflater stands after our last message, and nothing after this point refers back before it.
        Span<byte> scratch = stackalloc byte[64];
        deflater.Compress(ReadOnlySpan<byte>.Empty, scratch, fullFlush: true);
    }

    private static int RemoveFlushMarker(Span<byte> destination, int written)
    {
        if (written == 0)
        {
            // The stream was already flushed (an empty last fragment after a flushed one, or an empty message on a
            // flushed state): emit the header byte of an empty stored block, which the 00 00 FF FF the receiver appends
            // completes (RFC 7692 §7.2.3.6 sends an empty message as the single byte 0x00).
            destination[0] = 0x00;
            return 1;
        }

        if (written < FlushMarker.Length || !destination[..written].EndsWith(FlushMarker))
        {
            ThrowHelper.ThrowInvalidOperation("The deflate engine did not end its flush with 00 00 FF FF.");
        }

        return written - FlushMarker.Length;
    }
}

using System.Buffers;

namespace Shockwave.Codec;

/// <summary>
/// Decompresses permessage-deflate messages (RFC 7692 §7.2.2), sans I/O and with bounded output: the payload of
/// frames with RSV1 set in, at most a destination's worth of message bytes out per call, so that a compression bomb
/// costs no memory and the caller can stop at any size limit. One instance per connection and direction; not
/// thread-safe.
/// </summary>
/// <remarks>
/// <para>With context takeover the zlib state (about 7 KiB plus the window, 32 KiB at window 15) lives until
/// <see cref="Dispose"/>. Without it the state is rented from a small process-wide pool when a message starts and
/// returned, reset, when it ends.</para>
/// <para>Usage, one message through a fixed buffer:</para>
/// <code>
/// ReadOnlySpan&lt;byte&gt; input = framePayload;           // the last frame of the message here
/// OperationStatus status;
/// do
/// {
///     status = decompressor.Decompress(input, chunk, endOfMessage: true, out int consumed, out int written);
///     input = input[consumed..];
///     Deliver(chunk[..written]);                        // stop here once a size limit is passed
/// }
/// while (status == OperationStatus.DestinationTooSmall);
/// if (status == OperationStatus.InvalidData) { /* close with 1007 */ }
/// </code>
/// </remarks>
public sealed class PerMessageDeflateDecompressor : IDisposable
{
    private readonly DeflateEngineKind _engine;
    private readonly int _windowBits;
    private readonly bool _contextTakeover;
    private Inflater? _inflater;
    private int _tailFed;
    private bool _streamEnded;
    private bool _invalid;
    private bool _disposed;

    /// <summary>Creates a decompressor for the messages one endpoint receives.</summary>
    /// <param name="agreed">The negotiated parameters (<see cref="PerMessageDeflateNegotiator"/>).</param>
    /// <param name="role">The receiving endpoint: a server inflates with the <c>Client*</c> parameters, a client
    /// with the <c>Server*</c> ones.</param>
    /// <exception cref="ArgumentNullException"><paramref name="agreed"/> is null.</exception>
    public PerMessageDeflateDecompressor(PerMessageDeflateOptions agreed, WebSocketRole role)
        : this(agreed, role, DeflateEngine.Default)
    {
    }

    internal PerMessageDeflateDecompressor(PerMessageDeflateOptions agreed, WebSocketRole role, DeflateEngineKind engine)
    {
        if (agreed is null)
        {
            ThrowHelper.ThrowArgumentNull(nameof(agreed));
        }

        WebSocketRole sender = role == WebSocketRole.Server ? WebSocketRole.Client : WebSocketRole.Server;
        _engine = engine;
        _windowBits = agreed.GetMaxWindowBits(sender);
        _contextTakeover = agreed.GetContextTakeover(sender);
    }

    /// <summary>The empty stored block the sender removed, appended again at the end of each message (RFC 7692 §7.2.2).</summary>
    private static ReadOnlySpan<byte> Tail => [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>Whether the decompressor holds a zlib state now (tests and measurements).</summary>
    internal bool HoldsState => _inflater is not null;

    /// <summary>
    /// Inflates compressed payload bytes of the current message into <paramref name="destination"/>. Call it for each
    /// frame's payload (or any piece of it), and again with the rest while it answers
    /// <see cref="OperationStatus.DestinationTooSmall"/>.
    /// </summary>
    /// <param name="source">Compressed bytes, continuing where the previous call's <paramref name="bytesConsumed"/>
    /// ended (may be empty).</param>
    /// <param name="destination">Room for decompressed bytes.</param>
    /// <param name="endOfMessage">Whether <paramref name="source"/> ends the message (it is the rest of the last frame).</param>
    /// <param name="bytesConsumed">The source bytes consumed.</param>
    /// <param name="bytesWritten">The decompressed bytes written.</param>
    /// <returns>
    /// <see cref="OperationStatus.Done"/>: all of <paramref name="source"/> was consumed and no output is pending; with
    /// <paramref name="endOfMessage"/> the 00 00 FF FF tail was appended (RFC 7692 §7.2.2), the message is complete
    /// and, without context takeover, its context is dropped.
    /// <see cref="OperationStatus.DestinationTooSmall"/>: <paramref name="destination"/> is full and output may be
    /// pending or source is left: call again with <c>source[bytesConsumed..]</c> (possibly empty), the same
    /// <paramref name="endOfMessage"/> and fresh space. A call after a full destination may find nothing more and
    /// answer <see cref="OperationStatus.Done"/> with nothing written.
    /// <see cref="OperationStatus.InvalidData"/>: the data is not valid deflate, or refers back beyond the agreed
    /// window. Sticky: every later call answers the same; the connection fails with 1007 (RFC 7692 §8).
    /// </returns>
    /// <exception cref="ObjectDisposedException">The decompressor was disposed.</exception>
    public OperationStatus Decompress(ReadOnlySpan<byte> source, Span<byte> destination, bool endOfMessage, out int bytesConsumed, out int bytesWritten)
    {
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(nameof(PerMessageDeflateDecompressor));
        }

        bytesConsumed = 0;
        bytesWritten = 0;
        if (_invalid)
        {
            return OperationStatus.InvalidData;
        }

        if (destination.IsEmpty)
        {
            // No room is a full destination. (zlib would also take the null pointer of an empty span for a misuse,
            // Z_STREAM_ERROR, which must not pass for corrupt peer data.)
            return OperationStatus.DestinationTooSmall;
        }

        Inflater inflater = _inflater ??= RentInflater();
        InflateResult result;
        if (!_streamEnded)
        {
            result = inflater.Inflate(source, destination, out bytesConsumed, out bytesWritten);
            if (result != InflateResult.NeedsInput && !Settle(result))
            {
                return _invalid ? OperationStatus.InvalidData : OperationStatus.DestinationTooSmall;
            }
        }

        if (_streamEnded)
        {
            // RFC 7692 §7.2.3.4: a block with BFINAL=1 ends the deflate stream. What follows in the message (the
            // sender's own empty block, our tail) belongs to no stream and is skipped.
            bytesConsumed = source.Length;
        }

        if (!endOfMessage)
        {
            return OperationStatus.Done;
        }

        if (!_streamEnded && _tailFed < Tail.Length)
        {
            if (bytesWritten == destination.Length)
            {
                return OperationStatus.DestinationTooSmall;
            }

            result = inflater.Inflate(Tail[_tailFed..], destination[bytesWritten..], out int tailConsumed, out int tailWritten);
            _tailFed += tailConsumed;
            bytesWritten += tailWritten;
            if (result != InflateResult.NeedsInput && !Settle(result))
            {
                return _invalid ? OperationStatus.InvalidData : OperationStatus.DestinationTooSmall;
            }
        }

        EndMessage();
        return OperationStatus.Done;
    }

    /// <summary>Frees the decompression state, or returns it reset to the pool; a second call does nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseInflater();
    }

    /// <summary>Handles a result other than NeedsInput.</summary>
    /// <returns>True when decoding may go on (the stream ended); false to return at once.</returns>
    private bool Settle(InflateResult result)
    {
        switch (result)
        {
            case InflateResult.StreamEnd:
                _streamEnded = true;
                return true;
            case InflateResult.Corrupt:
                _invalid = true;
                DropInflater();
                return false;
            default:
                return false;
        }
    }

    private void EndMessage()
    {
        _tailFed = 0;
        bool ended = _streamEnded;
        _streamEnded = false;
        if (!_contextTakeover)
        {
            ReleaseInflater();
        }
        else if (ended && !_inflater!.TryReset())
        {
            // After BFINAL the stream is over; the next message starts a new one.
            DropInflater();
        }
    }

    private Inflater RentInflater() =>
        _engine == DeflateEngineKind.Native ? ZlibStatePool.RentInflater(_windowBits) : new ManagedInflater();

    private void ReleaseInflater()
    {
        Inflater? inflater = _inflater;
        _inflater = null;
        if (inflater is NativeInflater native && native.TryReset())
        {
            ZlibStatePool.Return(native);
        }
        else
        {
            inflater?.Dispose();
        }
    }

    private void DropInflater()
    {
        _inflater?.Dispose();
        _inflater = null;
    }
}

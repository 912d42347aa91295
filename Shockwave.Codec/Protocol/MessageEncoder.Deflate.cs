using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// permessage-deflate on the sending side (RFC 7692): which messages are compressed, compressing straight into the
// destination behind room for the header, the skip when compression does not pay, the choice of a prepared frame,
// and releasing the compressor safely while another thread may be inside it.
public sealed partial class MessageEncoder
{
    /// <summary>The permessage-deflate parameters this encoder compresses with, or <see langword="null"/> when the extension is off.</summary>
    public PerMessageDeflateOptions? PerMessageDeflate => _side?.Deflate;

    /// <summary>
    /// Whether the fragmented message in progress goes out compressed: its first frame carried RSV1 (RFC 7692 §6.1),
    /// so every later fragment goes through the compressor too.
    /// </summary>
    public bool IsMessageCompressed => _openMessage is not null && _side is { SendCompressed: true };

    /// <summary>
    /// The destination length that any data write of <paramref name="payloadLength"/> payload bytes fits in: the frame
    /// length, or with permessage-deflate the header plus the compressor's worst case
    /// (<see cref="PerMessageDeflateCompressor.GetMaxCompressedLength"/>). Rent this once and write.
    /// </summary>
    /// <param name="payloadLength">The payload (or UTF-8 text) length.</param>
    /// <returns>The bound, in bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative, or its compressed
    /// bound does not fit an <see cref="int"/>.</exception>
    public long GetMaxFrameLength(int payloadLength)
    {
        if (payloadLength < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.payloadLength);
        }

        if (_side?.Deflate is null)
        {
            return GetFrameLength(payloadLength);
        }

        // Compressed data never needs more than the bound, and the bound is larger than the payload, so the
        // uncompressed frame of a skipped message fits as well.
        int bound = PerMessageDeflateCompressor.GetMaxCompressedLength(payloadLength);
        return FrameHeader.GetHeaderLength(bound, _mask) + (long)bound;
    }

    /// <summary>
    /// Whether <c>WriteMessage</c>/<c>WriteFragment</c> would compress a fragment of this length now: permessage-deflate
    /// is on and the message qualifies (<see cref="PerMessageDeflateOptions.ShouldCompress"/> for a whole message, always
    /// for a first fragment, and as the first fragment went for later ones). A whole message may still go out
    /// uncompressed when it does not shrink (<see cref="PerMessageDeflateOptions.SkipCompressionWhenLarger"/>).
    /// </summary>
    /// <param name="payloadLength">This fragment's payload length.</param>
    /// <param name="endOfMessage">Whether it ends the message.</param>
    /// <returns><see langword="true"/> when the fragment would go through the compressor.</returns>
    public bool WillCompress(int payloadLength, bool endOfMessage) => WillCompress(payloadLength, endOfMessage, CompressionChoice.Auto);

    internal bool WillCompress(int payloadLength, bool endOfMessage, CompressionChoice choice) =>
        _openMessage is null ? Compresses(choice, payloadLength, endOfMessage) : _side is { SendCompressed: true };

    /// <summary>
    /// Picks the frame of a <see cref="PreparedMessage"/> this server sends: the compressed one when permessage-deflate
    /// was agreed with server_no_context_takeover and a server window at least as large as the one the message was
    /// compressed with (RFC 7692 §7.1.1.1, §7.1.2.1; the peer's decompressor then needs nothing from earlier messages,
    /// and this encoder's own compressor keeps no context either), else the uncompressed one. Changes no state.
    /// </summary>
    /// <param name="message">The prepared message.</param>
    /// <returns>The whole frame to send.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">This is a client's encoder (a prepared frame is unmasked; RFC 6455 §5.3),
    /// a fragmented message is open, a header-only frame still owes payload, or a close frame was sent.</exception>
    public ReadOnlyMemory<byte> SelectFrame(PreparedMessage message)
    {
        if (message is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.message);
        }

        if (_mask)
        {
            ThrowHelper.ThrowInvalidOperation("A PreparedMessage holds unmasked server frames; a client must mask (RFC 6455 §5.3), so write its Payload with WriteMessage.");
        }

        ThrowIfMessageOpen();
        ThrowIfCannotWrite();
        bool compressed = _side is { Deflate: { ServerContextTakeover: false } agreed } side
            && message.CompressedWindowBits is int bits
            && agreed.ServerMaxWindowBits >= bits
            && Volatile.Read(ref side.Disposed) == 0;
        return compressed ? message.CompressedFrame : message.Frame;
    }

    /// <summary>
    /// Releases the compressor (its zlib state goes back to the pool); a second call does nothing. A write running on
    /// another thread meanwhile releases it on its way out. Afterwards a write that would compress throws
    /// <see cref="ObjectDisposedException"/>; other writes still work.
    /// </summary>
    public void Dispose()
    {
        if (_side is not { Deflate: not null } side)
        {
            return;
        }

        // Dekker-style with Compress: each side writes its flag with a full fence, then reads the other's, so at least
        // one of them sees both flags and disposes (Interlocked.Exchange makes sure only once).
        Interlocked.Exchange(ref side.Disposed, 1);
        if (Volatile.Read(ref side.Compressing) == 0)
        {
            Interlocked.Exchange(ref side.Compressor, null)?.Dispose();
        }
    }

    // Whether a message's first fragment goes through the compressor.
    private bool Compresses(CompressionChoice choice, long payloadLength, bool endOfMessage) =>
        _side?.Deflate is { } agreed && choice switch
        {
            // A fragmented message is decided by its first fragment alone: the total is unknown, and RSV1 goes on the
            // first frame only (RFC 7692 §6.1).
            CompressionChoice.Auto => !endOfMessage || agreed.ShouldCompress(payloadLength),
            CompressionChoice.Forced => true,
            _ => false,
        };

    // Compresses into destination behind room for the largest header the output can need, then writes the header just
    // in front: the frame is one contiguous range with no move. A whole message that did not shrink goes out as it is.
    private OperationStatus WriteCompressed(Opcode opcode, WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage, bool first, Span<byte> destination, out int frameOffset, out int frameLength)
    {
        int bound = PerMessageDeflateCompressor.GetMaxCompressedLength(payload.Length);
        int reserved = FrameHeader.GetHeaderLength(bound, _mask);
        if (destination.Length - reserved < bound)
        {
            // Checked before the compressor sees a byte: a write that does not fit changes nothing.
            frameOffset = frameLength = 0;
            return OperationStatus.DestinationTooSmall;
        }

        bool mayskip = first && endOfMessage && _side!.Deflate!.SkipCompressionWhenLarger;
        int compressedLength = Compress(payload, destination.Slice(reserved), endOfMessage, mayskip ? payload.Length : -1);
        if (compressedLength < 0)
        {
            // RFC 7692 §7.2.1 lets any message go uncompressed; the compressor has forgotten it (see Compress). The plain
            // frame is no longer than the room the compressed one had.
            var plain = new FrameWriter(destination);
            plain.WriteFrame(CreateDataHeader(opcode, payload.Length, endOfMessage: true, rsv1: false), payload);
            frameOffset = 0;
            frameLength = plain.BytesWritten;
            CommitDataFrame(messageType, endOfMessage: true, compressedMessage: false);
            return OperationStatus.Done;
        }

        FrameHeader header = CreateDataHeader(opcode, compressedLength, endOfMessage, rsv1: first);
        frameOffset = reserved - header.HeaderLength;
        new FrameWriter(destination.Slice(frameOffset, header.HeaderLength)).WriteHeader(header);
        if (_mask)
        {
            // RFC 6455 §5.3: what goes on the wire (the compressed bytes) is what is masked.
            Masker.Apply(destination.Slice(reserved, compressedLength), header.MaskKey, 0);
        }

        frameLength = header.HeaderLength + compressedLength;
        CommitDataFrame(messageType, endOfMessage, compressedMessage: true);
        return OperationStatus.Done;
    }

    private OperationStatus WriteCompressedText(Opcode opcode, ReadOnlySpan<char> text, int byteCount, Span<byte> destination, out int frameOffset, out int frameLength)
    {
        // The compressor needs the UTF-8 bytes whole and apart from its output: a scratch buffer, on the stack when small.
        const int StackLimit = 256;
        byte[]? rented = null;
        Span<byte> utf8 = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            utf8 = utf8.Slice(0, byteCount);
            StrictUtf8.GetBytes(text, utf8);
            return WriteCompressed(opcode, WebSocketMessageType.Text, utf8, endOfMessage: true, first: true, destination, out frameOffset, out frameLength);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Returns the compressed length; or -1 when skipLimit is not negative and the output is not shorter than it, the
    // compressor then having forgotten the message (the peer will never see its compressed form).
    private int Compress(ReadOnlySpan<byte> payload, Span<byte> destination, bool endOfMessage, int skipLimit)
    {
        SideState side = _side!;
        Interlocked.Exchange(ref side.Compressing, 1);
        try
        {
            PerMessageDeflateCompressor? compressor = Volatile.Read(ref side.Compressor);
            if (compressor is null || Volatile.Read(ref side.Disposed) != 0)
            {
                ThrowHelper.ThrowObjectDisposed(nameof(MessageEncoder));
            }

            int written;
            try
            {
                OperationStatus status = compressor.Compress(payload, destination, endOfMessage, out int consumed, out written);
                if (status != OperationStatus.Done || consumed != payload.Length)
                {
                    ThrowHelper.ThrowInvalidOperation("The compressor did not take the whole fragment.");
                }
            }
            catch
            {
                // Whatever reached the window is unknown to the peer: later messages must not refer to it.
                compressor.Reset();
                throw;
            }

            if (skipLimit >= 0 && written >= skipLimit)
            {
                compressor.Reset();
                return -1;
            }

            return written;
        }
        finally
        {
            Interlocked.Exchange(ref side.Compressing, 0);
            if (Volatile.Read(ref side.Disposed) != 0)
            {
                Interlocked.Exchange(ref side.Compressor, null)?.Dispose();
            }
        }
    }

    // Reset: a compressed message abandoned half way must not leave its bytes in the window.
    private static void ForgetCompressionContext(SideState side)
    {
        if (side.Deflate is not null && Volatile.Read(ref side.Disposed) == 0)
        {
            Volatile.Read(ref side.Compressor)?.Reset();
        }
    }
}

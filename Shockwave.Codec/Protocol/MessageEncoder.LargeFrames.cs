using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// Frames whose payload comes from the caller's own memory: the header alone, then the payload masked chunk by chunk
// (a client, RFC 6455 §5.3) or sent as it is (a server), with the encoder keeping the key, the mask offset and the
// bytes still owed, so that no other frame can slip into the middle of one.
public sealed partial class MessageEncoder
{
    /// <summary>
    /// Starts a data frame by writing only its header, so that its payload can come from the caller's own memory
    /// without a copy: a client then produces it with <see cref="MaskPayload(ReadOnlySpan{byte}, Span{byte})"/>, a server
    /// sends it as it is and reports it with <see cref="AdvancePayload"/>. Until <see cref="PayloadRemaining"/> is 0 no
    /// other frame may be written. The payload goes uncompressed: on a message's first frame this sends the whole
    /// message uncompressed (RFC 7692 §6 allows it), and it is refused inside a compressed message.
    /// </summary>
    /// <param name="messageType">Text or binary.</param>
    /// <param name="payloadLength">The length of the payload that will follow.</param>
    /// <param name="endOfMessage">Whether this frame ends the message.</param>
    /// <param name="destination">Where the header goes; <see cref="FrameHeader.MaxHeaderLength"/> bytes always suffice.</param>
    /// <param name="bytesWritten">The header's length when done; otherwise 0.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">A close frame was sent, a header-only frame still owes payload, or
    /// the message in progress is compressed.</exception>
    /// <exception cref="ArgumentException">The type is close, or differs from the open message's type.</exception>
    public OperationStatus WriteFragmentHeader(WebSocketMessageType messageType, long payloadLength, bool endOfMessage, Span<byte> destination, out int bytesWritten)
    {
        if (payloadLength < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.payloadLength);
        }

        Opcode opcode = StartDataFrame(messageType, CompressionChoice.None);
        if (_side is { SendCompressed: true })
        {
            ThrowHelper.ThrowInvalidOperation("The message in progress is compressed, so all its frames carry compressed data (RFC 7692 §6.1); write its fragments with WriteFragment.");
        }

        FrameHeader header = CreateDataHeader(opcode, payloadLength, endOfMessage, rsv1: false);
        var writer = new FrameWriter(destination);
        if (writer.WriteHeader(header) != OperationStatus.Done)
        {
            bytesWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }

        bytesWritten = writer.BytesWritten;
        CommitDataFrame(messageType, endOfMessage, compressedMessage: false);
        if (payloadLength > 0)
        {
            // Made once and kept: later large frames reuse it, so steady state allocates nothing.
            SideState side = _side ??= new SideState();
            side.PayloadRemaining = payloadLength;
            side.PayloadKey = header.MaskKey;
            side.PayloadMaskOffset = 0;
        }

        return OperationStatus.Done;
    }

    /// <summary>
    /// Produces the next bytes of the open header-only frame's payload: masked with the frame's key for a client
    /// (RFC 6455 §5.3), continuing where the previous chunk stopped, so any chunking equals one call; copied as they
    /// are for a server.
    /// </summary>
    /// <param name="source">The next payload bytes; at most <see cref="PayloadRemaining"/>.</param>
    /// <param name="destination">Where the wire bytes go (may be <paramref name="source"/>'s memory); at least as long as <paramref name="source"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> is longer than the payload still owed, or
    /// <paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public void MaskPayload(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        SideState? side = TakePayload(source.Length, ExceptionArgument.payload);
        if (destination.Length < source.Length)
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.destination, "The destination is shorter than the source.");
        }

        if (side is null)
        {
            return;
        }

        if (_mask)
        {
            side.PayloadMaskOffset = Masker.Apply(source, destination, side.PayloadKey, side.PayloadMaskOffset);
        }
        else
        {
            source.CopyTo(destination);
        }

        side.PayloadRemaining -= source.Length;
    }

    /// <summary>Produces the next bytes of the open header-only frame's payload in place (see <see cref="MaskPayload(ReadOnlySpan{byte}, Span{byte})"/>).</summary>
    /// <param name="payload">The next payload bytes, masked in place for a client; at most <see cref="PayloadRemaining"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is longer than the payload still owed.</exception>
    public void MaskPayload(Span<byte> payload)
    {
        SideState? side = TakePayload(payload.Length, ExceptionArgument.payload);
        if (side is null)
        {
            return;
        }

        if (_mask)
        {
            side.PayloadMaskOffset = Masker.Apply(payload, side.PayloadKey, side.PayloadMaskOffset);
        }

        side.PayloadRemaining -= payload.Length;
    }

    /// <summary>
    /// Records that a server sent <paramref name="count"/> bytes of the open header-only frame's payload as they are
    /// (from its own memory, with no copy). A client cannot: its payload must be masked (RFC 6455 §5.3).
    /// </summary>
    /// <param name="count">How many payload bytes were sent; at most <see cref="PayloadRemaining"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="count"/> is more than the payload still owed.</exception>
    /// <exception cref="InvalidOperationException">This is a client's encoder.</exception>
    public void AdvancePayload(long count)
    {
        if (count < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.payloadLength);
        }

        if (_mask)
        {
            ThrowHelper.ThrowInvalidOperation("A client's payload must be masked (RFC 6455 §5.3); produce it with MaskPayload.");
        }

        SideState? side = TakePayload(count, ExceptionArgument.payloadLength);
        if (side is not null)
        {
            side.PayloadRemaining -= count;
        }
    }

    // Checks a chunk of the open header-only frame's payload; the side state is null only when nothing is owed and the chunk is empty.
    private SideState? TakePayload(long length, ExceptionArgument argument)
    {
        long owed = PayloadRemaining;
        if (length > owed)
        {
            ThrowHelper.ThrowArgument(argument, owed == 0
                ? "No frame payload is owed; start a frame with WriteFragmentHeader."
                : "This is more than the frame's payload still owes (PayloadRemaining).");
        }

        return length == 0 ? null : _side;
    }
}

using System.Buffers;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The bytes one send puts on the wire, decided synchronously under the write turn and then handed out one step at a
/// time, so that the blocking and the asynchronous twins differ only in the transport call that writes each step.
/// </summary>
/// <remarks>
/// <para>
/// Three shapes: a whole frame (in the rented buffer, or borrowed, as a prepared frame); a header in the rented buffer
/// followed by the caller's payload as it is (a server's large frame, no copy); or a header followed by the caller's
/// payload masked chunk by chunk into the rented buffer (a client's large frame, RFC 6455 §5.3). The encoder keeps the
/// frame's key and mask offset; the plan only keeps the position in the payload.
/// </para>
/// <para>
/// A mutable struct, owned by the one pump that runs it: that pump releases it (<see cref="Release"/>) however the send
/// ends, so the rented buffer goes back to the pool exactly once.
/// </para>
/// <code>
/// var plan = default(SendPlan);
/// try
/// {
///     Span&lt;byte&gt; buffer = plan.Rent(pool, length);      // then encode into it and record the shape
///     plan.Frame(frameOffset, frameLength);
///     while (plan.MoveNext(encoder, payload))
///     {
///         transport.Write(plan.Head.Span);
///         if (plan.PayloadFollows) transport.Write(payload);
///     }
/// }
/// finally
/// {
///     plan.Release(pool);
/// }
/// </code>
/// </remarks>
internal struct SendPlan
{
    /// <summary>A client's large payload is masked this many bytes at a time into the rented buffer.</summary>
    public const int MaskChunkSize = 64 * 1024;

    // Frames up to this size are copied whole into one rented buffer and sent with one write; larger server frames
    // go out as a header write plus the caller's own memory (no copy), larger client frames in chunks the encoder
    // masks. A compressed frame is always made whole: the encoder compresses it straight into the rented buffer.
    private const int CopyThreshold = 16 * 1024;

    private byte[]? _rented;
    private ReadOnlyMemory<byte> _head;
    private int _payloadLength;
    private int _payloadSent;
    private Shape _shape;
    private bool _started;

    private enum Shape : byte
    {
        Nothing,
        Whole,
        HeaderThenPayload,
        HeaderThenMaskedChunks,
    }

    /// <summary>The bytes of the current step that are not the caller's payload (a frame, a header, a masked chunk).</summary>
    public readonly ReadOnlyMemory<byte> Head => _head;

    /// <summary>Whether the caller's whole payload follows <see cref="Head"/> in the current step, as it is.</summary>
    public readonly bool PayloadFollows => _shape == Shape.HeaderThenPayload;

    /// <summary>Whether <see cref="MoveNext"/> has another step after the current one.</summary>
    public readonly bool HasMore => !_started ? _shape != Shape.Nothing : _shape == Shape.HeaderThenMaskedChunks && _payloadSent < _payloadLength;

    /// <summary>Set when this send is our close frame and the peer's came first: the handshake is then complete (RFC 6455 §7.1.1).</summary>
    public bool CompletesHandshake { get; set; }

    /// <summary>Rents the buffer the plan writes into; the plan returns it in <see cref="Release"/>.</summary>
    public Span<byte> Rent(ArrayPool<byte> pool, int length) => _rented = pool.Rent(length);

    /// <summary>One step: the frame at <c>[start, start + length)</c> of the rented buffer.</summary>
    public void Frame(int start, int length) => Set(Shape.Whole, _rented.AsMemory(start, length), 0);

    /// <summary>One step: a frame that lives elsewhere (a prepared message's).</summary>
    public void Borrowed(ReadOnlyMemory<byte> frame) => Set(Shape.Whole, frame, 0);

    /// <summary>One step: the header at the start of the rented buffer, then the caller's payload as it is.</summary>
    public void HeaderThenPayload(int headerLength) => Set(Shape.HeaderThenPayload, _rented.AsMemory(0, headerLength), 0);

    /// <summary>The header at the start of the rented buffer, then one step per masked chunk of the caller's payload.</summary>
    public void HeaderThenMaskedChunks(int headerLength, int payloadLength) =>
        Set(Shape.HeaderThenMaskedChunks, _rented.AsMemory(0, headerLength), payloadLength);

    /// <summary>
    /// Plans every send but a close (whose bytes depend on the close handshake's state, see the connection's PlanClose):
    /// rents, has <paramref name="encoder"/> write the frame or header, and records the shape.
    /// </summary>
    /// <param name="encoder">The connection's encoder (it keeps the message state and, for a client, the mask).</param>
    /// <param name="pool">The pool to rent from.</param>
    /// <param name="request">What to send.</param>
    /// <param name="payload">The bytes of a data, ping or pong send.</param>
    /// <param name="text">The text of a text send.</param>
    public void Encode(MessageEncoder encoder, ArrayPool<byte> pool, in SendRequest request, ReadOnlySpan<byte> payload, ReadOnlySpan<char> text)
    {
        switch (request.Kind)
        {
            case SendKind.Ping or SendKind.Pong:
                Span<byte> control = Rent(pool, BufferSizeClass.Smallest);
                int written;
                if (request.Kind == SendKind.Ping)
                {
                    encoder.WritePing(payload, control, out written);
                }
                else
                {
                    encoder.WritePong(payload, control, out written);
                }

                Frame(0, written);
                break;
            case SendKind.Text:
                // With permessage-deflate the encoder compresses the text through a scratch buffer of its own.
                Span<byte> frame = Rent(pool, BufferSizeClass.For(encoder.GetMaxFrameLength(StrictUtf8.GetByteCount(text))));
                encoder.WriteText(text, frame, out int textStart, out int textLength);
                Frame(textStart, textLength);
                break;
            case SendKind.Prepared:
                // The encoder knows whether this connection's agreement lets the compressed frame through (RFC 7692 §7.1.1.1).
                Borrowed(encoder.SelectFrame(request.Prepared!));
                break;
            default:
                EncodeData(encoder, pool, request, payload);
                break;
        }
    }

    /// <summary>
    /// Writes a close frame into a rented buffer (without a status when <paramref name="status"/> is
    /// <see langword="null"/>); the connection's PlanClose records it as the one step once the close handshake lets it go.
    /// </summary>
    /// <param name="encoder">The connection's encoder.</param>
    /// <param name="pool">The pool to rent from.</param>
    /// <param name="status">The status, or <see langword="null"/> for an empty close frame.</param>
    /// <param name="reason">The reason, already validated.</param>
    /// <returns>The frame's length, from the start of the rented buffer.</returns>
    public int EncodeClose(MessageEncoder encoder, ArrayPool<byte> pool, WebSocketCloseStatus? status, string? reason)
    {
        Span<byte> destination = Rent(pool, BufferSizeClass.Smallest);
        int written;
        if (status is { } code)
        {
            encoder.WriteClose(code, reason, destination, out written);
        }
        else
        {
            encoder.WriteEmptyClose(destination, out written);
        }

        return written;
    }

    /// <summary>Moves to the next step, masking the next chunk of <paramref name="payload"/> when there is one.</summary>
    /// <param name="encoder">The encoder that wrote the header (it holds the frame's key and mask offset).</param>
    /// <param name="payload">The caller's payload, the same on every call.</param>
    /// <returns><see langword="false"/> when every step was handed out.</returns>
    public bool MoveNext(MessageEncoder encoder, ReadOnlySpan<byte> payload)
    {
        if (!_started)
        {
            _started = true;
            return _shape != Shape.Nothing;
        }

        if (!HasMore)
        {
            return false;
        }

        int chunk = Math.Min(MaskChunkSize, _payloadLength - _payloadSent);
        encoder.MaskPayload(payload.Slice(_payloadSent, chunk), _rented);
        _head = _rented.AsMemory(0, chunk);
        _payloadSent += chunk;
        return true;
    }

    /// <summary>Returns the rented buffer, if any; safe to call more than once.</summary>
    public void Release(ArrayPool<byte> pool)
    {
        byte[]? rented = _rented;
        _rented = null;
        _head = default;
        if (rented is not null)
        {
            pool.Return(rented);
        }
    }

    private void EncodeData(MessageEncoder encoder, ArrayPool<byte> pool, in SendRequest request, ReadOnlySpan<byte> payload)
    {
        bool deflating = encoder.WillCompress(payload.Length, request.EndOfMessage, request.Compression);
        long frameLength = deflating ? encoder.GetMaxFrameLength(payload.Length) : encoder.GetFrameLength(payload.Length);
        if (deflating || frameLength <= CopyThreshold)
        {
            Span<byte> frame = Rent(pool, BufferSizeClass.For(frameLength));
            encoder.Encode(request.MessageType, payload, request.EndOfMessage, frame, request.Compression, out int start, out int written);
            Frame(start, written);
            return;
        }

        // RFC 6455 §5.3: a client's payload must be masked, so it is copied chunk by chunk as the encoder masks it; a
        // server's goes out from the caller's memory as it is.
        bool server = encoder.Role == WebSocketRole.Server;
        Span<byte> header = Rent(pool, server ? BufferSizeClass.Smallest : MaskChunkSize);
        encoder.WriteFragmentHeader(request.MessageType, payload.Length, request.EndOfMessage, header, out int headerLength);
        if (server)
        {
            encoder.AdvancePayload(payload.Length);
            HeaderThenPayload(headerLength);
        }
        else
        {
            HeaderThenMaskedChunks(headerLength, payload.Length);
        }
    }

    private void Set(Shape shape, ReadOnlyMemory<byte> head, int payloadLength)
    {
        _shape = shape;
        _head = head;
        _payloadLength = payloadLength;
    }
}

using System.Buffers;

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

    private void Set(Shape shape, ReadOnlyMemory<byte> head, int payloadLength)
    {
        _shape = shape;
        _head = head;
        _payloadLength = payloadLength;
    }
}

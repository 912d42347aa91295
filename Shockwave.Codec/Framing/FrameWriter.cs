using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Shockwave.Codec;

/// <summary>
/// Writes WebSocket frames (RFC 6455 §5.2) into a destination span, one after another: a header alone (so a
/// connection can send the payload from the caller's memory without copying it), or a whole frame with its
/// payload masked while it is copied, in one pass.
/// </summary>
/// <remarks>
/// <para>
/// A write that does not fit returns <see cref="OperationStatus.DestinationTooSmall"/> and writes nothing, so the
/// caller can flush <see cref="Written"/> and retry. Arguments that break RFC 6455 (a fragmented or oversized
/// control frame, a reserved opcode, an invalid close code or reason) are caller mistakes and throw
/// <see cref="ArgumentException"/>. Masking keys are the caller's: a client draws one per frame from
/// <c>MaskKeyGenerator.NextKey()</c> (RFC 6455 §5.3 requires them to be unpredictable).
/// </para>
/// <code>
/// Span&lt;byte&gt; buffer = stackalloc byte[64];
/// var writer = new FrameWriter(buffer);
/// writer.WriteFrame(new FrameHeader(fin: true, Opcode.Text, 5, isMasked: true, MaskKeyGenerator.NextKey()), "Hello"u8);
/// transport.Write(writer.Written);
/// </code>
/// </remarks>
public ref struct FrameWriter
{
    private readonly Span<byte> _destination;
    private int _bytesWritten;

    /// <summary>Creates a writer that fills <paramref name="destination"/> from its start.</summary>
    /// <param name="destination">Where frames are written.</param>
    public FrameWriter(Span<byte> destination)
    {
        _destination = destination;
        _bytesWritten = 0;
    }

    /// <summary>The number of bytes written so far.</summary>
    public readonly int BytesWritten => _bytesWritten;

    /// <summary>The bytes written so far.</summary>
    public readonly Span<byte> Written => _destination.Slice(0, _bytesWritten);

    /// <summary>The part of the destination not written yet.</summary>
    public readonly Span<byte> Remaining => _destination.Slice(_bytesWritten);

    /// <summary>Writes a frame header; the payload (<see cref="FrameHeader.PayloadLength"/> bytes, already masked if the header says so) is the caller's to send next.</summary>
    /// <param name="header">The header to write.</param>
    /// <returns>
    /// <see cref="OperationStatus.Done"/>: <see cref="FrameHeader.HeaderLength"/> bytes were written.
    /// <see cref="OperationStatus.DestinationTooSmall"/>: the header does not fit; nothing was written.
    /// </returns>
    /// <exception cref="ArgumentException">The header breaks RFC 6455: a reserved opcode, or a control frame that is fragmented, carries reserved bits or more than 125 bytes.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OperationStatus WriteHeader(in FrameHeader header)
    {
        FrameRules.ValidateHeader(header, nameof(header));
        int headerLength = header.HeaderLength;
        if (_destination.Length - _bytesWritten < headerLength)
        {
            return OperationStatus.DestinationTooSmall;
        }

        _bytesWritten += WriteHeaderUnchecked(ref Unsafe.Add(ref MemoryMarshal.GetReference(_destination), _bytesWritten), header);
        return OperationStatus.Done;
    }

    /// <summary>Writes a whole frame: the header, then <paramref name="payload"/>, masked while copying when the header is masked.</summary>
    /// <param name="header">The header; its <see cref="FrameHeader.PayloadLength"/> must equal <paramref name="payload"/>'s length.</param>
    /// <param name="payload">The unmasked payload. It may not overlap the destination.</param>
    /// <returns>
    /// <see cref="OperationStatus.Done"/>: the frame was written.
    /// <see cref="OperationStatus.DestinationTooSmall"/>: the frame does not fit; nothing was written.
    /// </returns>
    /// <exception cref="ArgumentException">The payload length differs from the header's, or the header breaks RFC 6455 (see <see cref="WriteHeader"/>).</exception>
    public OperationStatus WriteFrame(in FrameHeader header, scoped ReadOnlySpan<byte> payload)
    {
        FrameRules.ValidateHeader(header, nameof(header));
        if (header.PayloadLength != payload.Length)
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.payload, "The payload length must equal the header's PayloadLength.");
        }

        int headerLength = header.HeaderLength;
        if (_destination.Length - _bytesWritten - headerLength < payload.Length)
        {
            return OperationStatus.DestinationTooSmall;
        }

        Span<byte> target = _destination.Slice(_bytesWritten);
        WriteHeaderUnchecked(ref MemoryMarshal.GetReference(target), header);
        Span<byte> payloadTarget = target.Slice(headerLength, payload.Length);
        if (header.IsMasked)
        {
            Masker.Apply(payload, payloadTarget, header.MaskKey, 0);
        }
        else
        {
            payload.CopyTo(payloadTarget);
        }

        _bytesWritten += headerLength + payload.Length;
        return OperationStatus.Done;
    }

    /// <summary>Writes a close frame with a status code and a UTF-8 reason (RFC 6455 §5.5.1).</summary>
    /// <param name="status">A status code valid on the wire (<see cref="CloseFrame.IsValidStatusCode"/>).</param>
    /// <param name="reason">At most 123 bytes of valid UTF-8; may be empty.</param>
    /// <param name="isMasked">Whether to mask the frame (a client's frames, RFC 6455 §5.3).</param>
    /// <param name="maskKey">The mask key when <paramref name="isMasked"/> is <see langword="true"/>.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException">The status code may not be sent, or the reason is too long or not valid UTF-8.</exception>
    public OperationStatus WriteClose(WebSocketCloseStatus status, scoped ReadOnlySpan<byte> reason, bool isMasked = false, uint maskKey = 0)
    {
        CloseFrame.ValidateForSending(status, reason);
        Span<byte> payload = stackalloc byte[FrameHeader.MaxControlPayloadLength];
        reason.CopyTo(payload.Slice(2));
        return WriteCloseUnchecked(status, payload.Slice(0, reason.Length + 2), isMasked, maskKey);
    }

    /// <summary>Writes a close frame with a status code and a reason given as text (RFC 6455 §5.5.1).</summary>
    /// <param name="status">A status code valid on the wire (<see cref="CloseFrame.IsValidStatusCode"/>).</param>
    /// <param name="reason">Text whose UTF-8 form is at most 123 bytes; <see langword="null"/> or empty for none.</param>
    /// <param name="isMasked">Whether to mask the frame.</param>
    /// <param name="maskKey">The mask key when <paramref name="isMasked"/> is <see langword="true"/>.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    /// <exception cref="ArgumentException">The status code may not be sent, or the reason is too long.</exception>
    /// <exception cref="System.Text.EncoderFallbackException">The reason holds a lone surrogate, which has no UTF-8 form.</exception>
    public OperationStatus WriteClose(WebSocketCloseStatus status, string? reason, bool isMasked = false, uint maskKey = 0)
    {
        ReadOnlySpan<char> text = reason.AsSpan();
        int length = CloseFrame.ValidateForSending(status, text);
        Span<byte> payload = stackalloc byte[FrameHeader.MaxControlPayloadLength];
        StrictUtf8.GetBytes(text, payload.Slice(2, length));
        return WriteCloseUnchecked(status, payload.Slice(0, length + 2), isMasked, maskKey);
    }

    /// <summary>Writes a close frame with an empty payload: no status code, which the peer reports as 1005 (RFC 6455 §7.1.5).</summary>
    /// <param name="isMasked">Whether to mask the frame.</param>
    /// <param name="maskKey">The mask key when <paramref name="isMasked"/> is <see langword="true"/>.</param>
    /// <returns><see cref="OperationStatus.Done"/>, or <see cref="OperationStatus.DestinationTooSmall"/> with nothing written.</returns>
    public OperationStatus WriteEmptyClose(bool isMasked = false, uint maskKey = 0) =>
        WriteHeader(new FrameHeader(true, Opcode.Close, 0, isMasked, maskKey));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteHeaderUnchecked(ref byte destination, in FrameHeader header)
    {
        // Only the header's own bytes are written (a caller may have placed the payload right after them), with
        // the first two as one 16-bit store.
        long length = header.PayloadLength;
        uint maskBit = header.IsMasked ? 0x80u : 0u;
        uint length7;
        int position;
        if (length <= FrameRules.MaxSevenBitLength)
        {
            length7 = (uint)length;
            position = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            length7 = 126;
            WireEndian.WriteUInt16BigEndian(ref Unsafe.Add(ref destination, 2), (ushort)length);
            position = 4;
        }
        else
        {
            length7 = 127;
            WireEndian.WriteUInt64BigEndian(ref Unsafe.Add(ref destination, 2), (ulong)length);
            position = 10;
        }

        WireEndian.WriteUInt16LittleEndian(ref destination, (ushort)(header.FirstByte | ((maskBit | length7) << 8)));
        if (maskBit != 0)
        {
            WireEndian.WriteUInt32LittleEndian(ref Unsafe.Add(ref destination, position), header.MaskKey);
            position += 4;
        }

        return position;
    }

    // The payload is the 2-byte status slot followed by a reason already checked by CloseFrame.ValidateForSending.
    private OperationStatus WriteCloseUnchecked(WebSocketCloseStatus status, scoped Span<byte> payload, bool isMasked, uint maskKey)
    {
        WireEndian.WriteUInt16BigEndian(ref MemoryMarshal.GetReference(payload), (ushort)status);
        return WriteFrame(new FrameHeader(true, Opcode.Close, payload.Length, isMasked, maskKey), payload);
    }
}

using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// <see cref="CloseFrame.TryReadPayload"/> against an independent reading of RFC 6455 §5.5.1 and §7.4 (and the IANA
/// registry of close codes); an accepted payload must survive <see cref="FrameWriter.WriteClose(WebSocketCloseStatus, ReadOnlySpan{byte}, bool, uint)"/>,
/// and <see cref="MessageDecoder"/> must report a close frame carrying the payload the same way.
/// </summary>
/// <remarks>Input: the close frame's payload, as it is.</remarks>
internal sealed partial class CloseTarget : IFuzzTarget
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Name => "close";

    public void Run(ReadOnlySpan<byte> input)
    {
        bool accepted = CloseFrame.TryReadPayload(input, out WebSocketCloseStatus? status, out ReadOnlySpan<byte> reason, out CloseFrameError error);
        CloseFrameError expected = Expected(input);
        Check.Equal(expected, error, "CloseFrameError");
        Check.Equal(expected == CloseFrameError.None, accepted, "result");
        Check.Equal(expected == CloseFrameError.InvalidReason ? WebSocketCloseStatus.InvalidPayloadData
            : expected == CloseFrameError.None ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.ProtocolError,
            CloseFrame.GetCloseStatus(error), "close status for the error");

        if (!accepted || input.IsEmpty)
        {
            Check.True(status is null, "no status unless a code was accepted");
            Check.True(reason.IsEmpty, "no reason unless a code was accepted");
        }
        else
        {
            Check.Equal<WebSocketCloseStatus?>((WebSocketCloseStatus)((input[0] << 8) | input[1]), status, "status");
            ReadOnlySpan<byte> after = input.Slice(2);
            Check.True(reason.Length == after.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(reason), ref MemoryMarshal.GetReference(after)),
                "the reason is the payload after the code, in place");
            Check.True(CloseFrame.IsValidReason(reason), "IsValidReason of an accepted reason");
            RoundTrip(status!.Value, reason, input);
        }

        if (input.Length <= FrameHeader.MaxControlPayloadLength)
        {
            CheckDecoder(input, accepted, status, reason, error);
        }
    }

    private static CloseFrameError Expected(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0)
        {
            return CloseFrameError.None;
        }

        if (payload.Length == 1)
        {
            return CloseFrameError.PayloadTooShort;
        }

        if (payload.Length > 125)
        {
            return CloseFrameError.PayloadTooLarge;
        }

        int code = (payload[0] << 8) | payload[1];

        // RFC 6455 §7.4.1 defines 1000–1003 and 1007–1011 for the wire (1004 reserved; 1005, 1006, 1015 never sent);
        // the IANA registry adds 1012 Service Restart, 1013 Try Again Later, 1014 Bad Gateway; §7.4.2 gives 3000–4999
        // to libraries, frameworks and applications. Everything else may not appear in a close frame.
        bool valid = code is 1000 or 1001 or 1002 or 1003 or 1007 or 1008 or 1009 or 1010 or 1011 or 1012 or 1013 or 1014
            || (code >= 3000 && code <= 4999);
        if (!valid)
        {
            return CloseFrameError.InvalidStatusCode;
        }

        try
        {
            s_strict.GetCharCount(payload.Slice(2));
            return CloseFrameError.None;
        }
        catch (DecoderFallbackException)
        {
            return CloseFrameError.InvalidReason;
        }
    }

    private static void RoundTrip(WebSocketCloseStatus status, ReadOnlySpan<byte> reason, ReadOnlySpan<byte> payload)
    {
        // An accepted payload is one we may send: written masked, parsed as a server, unmasked, read again.
        var buffer = new byte[FrameHeader.MaxHeaderLength + FrameHeader.MaxControlPayloadLength];
        var writer = new FrameWriter(buffer);
        Check.Equal(OperationStatus.Done, writer.WriteClose(status, reason, isMasked: true, maskKey: 0x11223344), "WriteClose");
        var parser = new FrameHeaderParser(WebSocketRole.Server);
        Check.Equal(OperationStatus.Done, parser.Parse(writer.Written, out FrameHeader header, out int consumed), "parse the written close");
        Check.Equal(Opcode.Close, header.Opcode, "opcode written");
        Check.Equal(payload.Length, (int)header.PayloadLength, "payload length written");
        Span<byte> written = writer.Written.Slice(consumed);
        Masker.Apply(written, header.MaskKey, 0);
        Check.SequenceEqual(payload, written, "payload written");
    }

    private static void CheckDecoder(ReadOnlySpan<byte> payload, bool accepted, WebSocketCloseStatus? status, ReadOnlySpan<byte> reason, CloseFrameError error)
    {
        // The payload inside a masked close frame, as a server receives it.
        var frame = new byte[FrameHeader.MaxHeaderLength + payload.Length];
        var writer = new FrameWriter(frame);
        writer.WriteFrame(new FrameHeader(true, Opcode.Close, payload.Length, isMasked: true, maskKey: 0xCAFEBABE), payload);
        Span<byte> wire = frame.AsSpan(0, writer.BytesWritten);
        var decoder = new MessageDecoder(new MessageDecoderOptions { Role = WebSocketRole.Server });
        DecodeResult result = decoder.Decode(wire, out int consumed);
        Check.True(consumed >= 0 && consumed <= wire.Length, "decoder bytesConsumed");
        if (accepted)
        {
            Check.Equal(DecodeResultKind.Close, result.Kind, "decoder result for an accepted payload");
            Check.Equal(wire.Length, consumed, "decoder bytesConsumed for a close");
            Check.Equal(status, result.CloseStatus, "decoder close status");
            Check.SequenceEqual(reason, result.GetPayload(wire), "decoder close reason");
            Check.True(decoder.IsCloseReceived, "IsCloseReceived");
        }
        else
        {
            Check.Equal(DecodeResultKind.Error, result.Kind, "decoder result for a refused payload");
            Check.Equal(DecodeError.InvalidClosePayload, result.Error, "decoder error");
            Check.Equal(error, result.CloseFrameError, "decoder CloseFrameError");
            Check.Equal<WebSocketCloseStatus?>(CloseFrame.GetCloseStatus(error), result.CloseStatus, "decoder close status for the error");
        }
    }
}

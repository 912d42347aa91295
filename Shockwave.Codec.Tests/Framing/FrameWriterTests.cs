using System.Buffers;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Framing;

public class FrameWriterTests
{
    private static byte[] WriteFrame(FrameHeader header, ReadOnlySpan<byte> payload)
    {
        byte[] buffer = new byte[header.HeaderLength + payload.Length];
        var writer = new FrameWriter(buffer);
        Assert.Equal(OperationStatus.Done, writer.WriteFrame(header, payload));
        Assert.Equal(buffer.Length, writer.BytesWritten);
        return buffer;
    }

    [Fact]
    public void Rfc_examples_byte_for_byte()
    {
        byte[] hello = Rfc6455Examples.Hello;
        Assert.Equal(Rfc6455Examples.UnmaskedHello, WriteFrame(new FrameHeader(true, Opcode.Text, 5), hello));
        Assert.Equal(Rfc6455Examples.MaskedHello, WriteFrame(new FrameHeader(true, Opcode.Text, 5, true, Rfc6455Examples.MaskKey), hello));
        Assert.Equal(Rfc6455Examples.FragmentHel, WriteFrame(new FrameHeader(false, Opcode.Text, 3), "Hel"u8));
        Assert.Equal(Rfc6455Examples.FragmentLo, WriteFrame(new FrameHeader(true, Opcode.Continuation, 2), "lo"u8));
        Assert.Equal(Rfc6455Examples.UnmaskedPing, WriteFrame(new FrameHeader(true, Opcode.Ping, 5), hello));
        Assert.Equal(Rfc6455Examples.MaskedPong, WriteFrame(new FrameHeader(true, Opcode.Pong, 5, true, Rfc6455Examples.MaskKey), hello));

        byte[] header = new byte[14];
        var writer = new FrameWriter(header);
        Assert.Equal(OperationStatus.Done, writer.WriteHeader(new FrameHeader(true, Opcode.Binary, 256)));
        Assert.Equal(Rfc6455Examples.Binary256Header, writer.Written.ToArray());

        writer = new FrameWriter(header);
        Assert.Equal(OperationStatus.Done, writer.WriteHeader(new FrameHeader(true, Opcode.Binary, 65536)));
        Assert.Equal(Rfc6455Examples.Binary65536Header, writer.Written.ToArray());
    }

    [Fact]
    public void Several_frames_follow_each_other()
    {
        byte[] buffer = new byte[64];
        var writer = new FrameWriter(buffer);
        Assert.Equal(OperationStatus.Done, writer.WriteFrame(new FrameHeader(false, Opcode.Text, 3), "Hel"u8));
        Assert.Equal(OperationStatus.Done, writer.WriteFrame(new FrameHeader(true, Opcode.Continuation, 2), "lo"u8));
        Assert.Equal([.. Rfc6455Examples.FragmentHel, .. Rfc6455Examples.FragmentLo], writer.Written.ToArray());
        Assert.Equal(64 - 9, writer.Remaining.Length);
    }

    [Fact]
    public void Frame_that_does_not_fit_writes_nothing()
    {
        byte[] buffer = new byte[10];
        var writer = new FrameWriter(buffer);
        Assert.Equal(OperationStatus.DestinationTooSmall, writer.WriteFrame(new FrameHeader(true, Opcode.Binary, 9), new byte[9]));
        Assert.Equal(0, writer.BytesWritten);
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(OperationStatus.Done, writer.WriteFrame(new FrameHeader(true, Opcode.Binary, 8), new byte[8]));
        Assert.Equal(OperationStatus.DestinationTooSmall, writer.WriteHeader(new FrameHeader(true, Opcode.Binary, 0)));
    }

    [Fact]
    public void Masked_payload_is_masked_while_copying_and_source_untouched()
    {
        byte[] payload = new byte[1000];
        new Random(7).NextBytes(payload);
        byte[] original = payload.ToArray();
        const uint key = 0x11223344;
        byte[] frame = WriteFrame(new FrameHeader(true, Opcode.Binary, payload.Length, true, key), payload);
        Assert.Equal(original, payload);
        byte[] keyBytes = [0x44, 0x33, 0x22, 0x11];
        for (int i = 0; i < payload.Length; i++)
        {
            Assert.Equal((byte)(payload[i] ^ keyBytes[i & 3]), frame[8 + i]);
        }
    }

    [Fact]
    public void Payload_length_must_match_header()
    {
        byte[] buffer = new byte[32];
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteFrame(new FrameHeader(true, Opcode.Binary, 4), new byte[3]));
    }

    [Theory]
    [InlineData(false, Opcode.Ping, 0, ReservedBits.None)]
    [InlineData(true, Opcode.Close, 126, ReservedBits.None)]
    [InlineData(true, Opcode.Pong, 0, ReservedBits.Rsv1)]
    [InlineData(true, (Opcode)3, 0, ReservedBits.None)]
    [InlineData(true, (Opcode)0xB, 0, ReservedBits.None)]
    public void Frames_that_break_rfc6455_are_refused(bool fin, Opcode opcode, long length, ReservedBits rsv)
    {
        byte[] buffer = new byte[200];
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteHeader(new FrameHeader(fin, opcode, length, reservedBits: rsv)));
    }

    [Fact]
    public void Negative_payload_length_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameHeader(true, Opcode.Binary, -1));
    }

    [Fact]
    public void Close_frame_with_code_and_reason()
    {
        byte[] buffer = new byte[200];
        var writer = new FrameWriter(buffer);
        Assert.Equal(OperationStatus.Done, writer.WriteClose(WebSocketCloseStatus.NormalClosure, "bye"));
        Assert.Equal(new byte[] { 0x88, 0x05, 0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e' }, writer.Written.ToArray());

        writer = new FrameWriter(buffer);
        Assert.Equal(OperationStatus.Done, writer.WriteClose((WebSocketCloseStatus)4000, "é"u8, isMasked: true, maskKey: 0x04030201));
        byte[] written = writer.Written.ToArray();
        Assert.Equal(new byte[] { 0x88, 0x84, 1, 2, 3, 4, 0x0F ^ 1, 0xA0 ^ 2, 0xC3 ^ 3, 0xA9 ^ 4 }, written);

        var parser = new FrameHeaderParser(WebSocketRole.Server);
        Assert.Equal(OperationStatus.Done, parser.Parse(written, out FrameHeader header, out int consumed));
        byte[] payload = written.AsSpan(consumed).ToArray();
        Masker.Apply(payload, header.MaskKey, 0);
        Assert.True(CloseFrame.TryReadPayload(payload, out WebSocketCloseStatus? status, out ReadOnlySpan<byte> reason, out CloseFrameError error));
        Assert.Equal((WebSocketCloseStatus)4000, status);
        Assert.Equal("é"u8.ToArray(), reason.ToArray());
        Assert.Equal(CloseFrameError.None, error);
    }

    [Fact]
    public void Empty_close_frame()
    {
        byte[] buffer = new byte[6];
        var writer = new FrameWriter(buffer);
        Assert.Equal(OperationStatus.Done, writer.WriteEmptyClose());
        Assert.Equal(new byte[] { 0x88, 0x00 }, writer.Written.ToArray());
    }

    [Fact]
    public void Close_reason_limits()
    {
        byte[] buffer = new byte[200];
        string longest = new('a', 123);
        Assert.Equal(OperationStatus.Done, new FrameWriter(buffer).WriteClose(WebSocketCloseStatus.NormalClosure, longest));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteClose(WebSocketCloseStatus.NormalClosure, longest + "a"));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteClose(WebSocketCloseStatus.NormalClosure, new string('é', 62)));
        Assert.Equal(OperationStatus.Done, new FrameWriter(buffer).WriteClose(WebSocketCloseStatus.NormalClosure, new string('é', 61)));
        Assert.ThrowsAny<ArgumentException>(() => new FrameWriter(buffer).WriteClose(WebSocketCloseStatus.NormalClosure, "\ud800"));
        Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteClose(WebSocketCloseStatus.NormalClosure, new byte[] { 0xC0, 0x80 }));
        Assert.Equal(OperationStatus.Done, new FrameWriter(buffer).WriteClose(WebSocketCloseStatus.NormalClosure, (string?)null));
        Assert.Equal(OperationStatus.DestinationTooSmall, new FrameWriter(new byte[5]).WriteClose(WebSocketCloseStatus.NormalClosure, "abcd"));
    }

    [Fact]
    public void Every_close_code_is_classified_when_sending_and_receiving()
    {
        byte[] buffer = new byte[16];
        byte[] payload = new byte[2];
        for (int code = 0; code <= 65535; code++)
        {
            bool expected = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
            Assert.Equal(expected, CloseFrame.IsValidStatusCode(code));

            payload[0] = (byte)(code >> 8);
            payload[1] = (byte)code;
            bool accepted = CloseFrame.TryReadPayload(payload, out WebSocketCloseStatus? status, out _, out CloseFrameError error);
            Assert.Equal(expected, accepted);
            Assert.Equal(expected ? CloseFrameError.None : CloseFrameError.InvalidStatusCode, error);
            Assert.Equal(expected ? (WebSocketCloseStatus?)code : null, status);

            if (expected)
            {
                Assert.Equal(OperationStatus.Done, new FrameWriter(buffer).WriteClose((WebSocketCloseStatus)code, ReadOnlySpan<byte>.Empty));
            }
            else if ((code & 0xFF) == 0 || code < 1100 || code is 2999 or 5000)
            {
                // Sampled so the test stays fast: throwing is costly.
                Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteClose((WebSocketCloseStatus)code, ReadOnlySpan<byte>.Empty));
            }
        }

        Assert.False(CloseFrame.IsValidStatusCode(-1));
        Assert.False(CloseFrame.IsValidStatusCode(70000));
    }

    [Fact]
    public void Close_payload_errors()
    {
        Assert.True(CloseFrame.TryReadPayload([], out WebSocketCloseStatus? status, out ReadOnlySpan<byte> reason, out CloseFrameError error));
        Assert.Null(status);
        Assert.True(reason.IsEmpty);

        Assert.False(CloseFrame.TryReadPayload([0x03], out _, out _, out error));
        Assert.Equal(CloseFrameError.PayloadTooShort, error);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, CloseFrame.GetCloseStatus(error));

        Assert.False(CloseFrame.TryReadPayload([0x03, 0xE8, 0xCE, 0xBA, 0xE1, 0xBD], out _, out _, out error));
        Assert.Equal(CloseFrameError.InvalidReason, error);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, CloseFrame.GetCloseStatus(error));

        Assert.False(CloseFrame.TryReadPayload(new byte[126], out _, out _, out error));
        Assert.Equal(CloseFrameError.PayloadTooLarge, error);

        Assert.True(CloseFrame.TryReadPayload([0x03, 0xE8, 0xCE, 0xBA, 0xE1, 0xBD, 0xB9], out status, out reason, out _));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal(new byte[] { 0xCE, 0xBA, 0xE1, 0xBD, 0xB9 }, reason.ToArray());

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, CloseFrame.GetCloseStatus(FrameError.FrameTooLarge));
        Assert.Equal(WebSocketCloseStatus.ProtocolError, CloseFrame.GetCloseStatus(FrameError.MaskRequired));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, CloseFrame.GetCloseStatus(FrameError.None));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, CloseFrame.GetCloseStatus(CloseFrameError.None));
    }
}

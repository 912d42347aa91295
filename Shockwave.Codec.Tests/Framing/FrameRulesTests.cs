using System.Buffers;
using Shockwave.Codec.Tests.Connection;
using Xunit;

namespace Shockwave.Codec.Tests.Framing;

/// <summary>
/// The header rules of RFC 6455 §5.2 and §5.5 at their home, <see cref="FrameRules"/>, and proof that every public way
/// to send a control frame goes through it: the same exception type, message and rule at every entry point.
/// </summary>
public class FrameRulesTests
{
    private const string ControlPayloadTooLong = "A control frame (ping, pong, close) carries at most 125 payload bytes (RFC 6455 §5.5).";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(125)]
    public void A_control_payload_of_at_most_125_bytes_is_accepted(long length) =>
        FrameRules.ValidateControlPayload(length, "payload");

    [Theory]
    [InlineData(126)]
    [InlineData(65536)]
    [InlineData(long.MaxValue)]
    public void A_control_payload_of_126_bytes_or_more_is_refused_by_the_named_helper(long length)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => FrameRules.ValidateControlPayload(length, "payload"));
        Assert.Equal(typeof(ArgumentException), ex.GetType());
        Assert.Equal("payload", ex.ParamName);
        Assert.StartsWith(ControlPayloadTooLong, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_names_each_broken_rule_in_order()
    {
        const uint NoRsvAllowed = 0x70;
        Assert.Equal(FrameError.None, FrameRules.Classify(0x82, 1 << 20, NoRsvAllowed));
        Assert.Equal(FrameError.None, FrameRules.Classify(0x89, 125, NoRsvAllowed));
        Assert.Equal(FrameError.ControlFrameTooLarge, FrameRules.Classify(0x89, 126, NoRsvAllowed));
        Assert.Equal(FrameError.ControlFrameFragmented, FrameRules.Classify(0x09, 126, NoRsvAllowed));
        Assert.Equal(FrameError.ReservedBitsSet, FrameRules.Classify(0xC9, 0, forbiddenDataRsv: 0));   // never on control frames
        Assert.Equal(FrameError.ReservedBitsSet, FrameRules.Classify(0xC2, 0, NoRsvAllowed));
        Assert.Equal(FrameError.None, FrameRules.Classify(0xC2, 0, forbiddenDataRsv: 0x30));          // RSV1 negotiated
        Assert.Equal(FrameError.ReservedOpcode, FrameRules.Classify(0x4B, 200, NoRsvAllowed));         // opcode first
        for (uint opcode = 0; opcode < 16; opcode++)
        {
            bool defined = opcode is <= 2 or (>= 8 and <= 10);
            Assert.Equal(defined ? 0u : 1u, FrameRules.IsReservedOpcode(0x80 | opcode));
            Assert.Equal(opcode >= 8, FrameRules.IsControl(opcode));
        }
    }

    [Fact]
    public void The_branch_free_control_test_agrees_with_Classify_for_every_first_byte_and_7_bit_length()
    {
        for (uint first = 0; first < 256; first++)
        {
            for (uint length7 = 0; length7 < 128; length7++)
            {
                if (!FrameRules.IsControl(first) || FrameRules.IsReservedOpcode(first) != 0)
                {
                    continue;
                }

                bool broken = FrameRules.Classify(first, length7, forbiddenDataRsv: 0x70) != FrameError.None;
                Assert.Equal(broken, FrameRules.ControlFrameViolation(first, length7) != 0);

                // The parser's fast path passes the first two bytes as one pair; the bits above the first byte must not count.
                Assert.Equal(broken, FrameRules.ControlFrameViolation(first | 0xFF00, length7) != 0);
            }
        }
    }

    [Fact]
    public void The_parser_reports_the_rules_Classify_names()
    {
        byte[] frame = new byte[FrameHeader.MaxHeaderLength];
        for (int first = 0; first < 256; first++)
        {
            foreach (int length7 in new[] { 0, 125, 126, 127 })
            {
                frame[0] = (byte)first;
                frame[1] = (byte)(0x80 | length7);
                frame[2] = 0x01; // a minimal 16-bit length (256) and a 64-bit one beyond 65535
                frame[3] = 0x00;
                frame[4] = 0x01;
                var parser = new FrameHeaderParser(WebSocketRole.Server);
                OperationStatus status = parser.Parse(frame, out _, out _);
                FrameError expected = FrameRules.Classify((uint)first, length7, forbiddenDataRsv: 0x70);
                if (expected != FrameError.None)
                {
                    Assert.Equal((OperationStatus.InvalidData, expected), (status, parser.Error));
                }
            }
        }
    }

    [Fact]
    public void The_7_bit_length_form_ends_at_125_in_the_writer_the_parser_and_GetHeaderLength()
    {
        Assert.Equal(2, FrameHeader.GetHeaderLength(FrameRules.MaxSevenBitLength, isMasked: false));
        Assert.Equal(4, FrameHeader.GetHeaderLength(FrameRules.MaxSevenBitLength + 1, isMasked: false));

        byte[] buffer = new byte[FrameHeader.MaxHeaderLength];
        var writer = new FrameWriter(buffer);
        writer.WriteHeader(new FrameHeader(true, Opcode.Binary, 125));
        Assert.Equal(new byte[] { 0x82, 125 }, writer.Written.ToArray());
        writer = new FrameWriter(buffer);
        writer.WriteHeader(new FrameHeader(true, Opcode.Binary, 126));
        Assert.Equal(new byte[] { 0x82, 126, 0, 126 }, writer.Written.ToArray());

        // 125 in the 16-bit form is not minimal (RFC 6455 §5.2); 126 is.
        var parser = new FrameHeaderParser(WebSocketRole.Client);
        Assert.Equal(OperationStatus.InvalidData, parser.Parse(new byte[] { 0x82, 126, 0, 125 }, out _, out _));
        Assert.Equal(FrameError.NonMinimalLength, parser.Error);
        Assert.Equal(OperationStatus.Done, parser.Parse(new byte[] { 0x82, 126, 0, 126 }, out FrameHeader header, out _));
        Assert.Equal(126, header.PayloadLength);
    }

    [Theory]
    [InlineData(0x83, 0, FrameError.ReservedOpcode)]
    [InlineData(0x8F, 0, FrameError.ReservedOpcode)]
    [InlineData(0x09, 0, FrameError.ControlFrameFragmented)]
    [InlineData(0xC9, 0, FrameError.ReservedBitsSet)]
    [InlineData(0x8A, 126, FrameError.ControlFrameTooLarge)]
    public void FrameWriter_refuses_a_broken_header_with_the_rule_named(int first, int length, FrameError rule)
    {
        var header = new FrameHeader((first & 0x80) != 0, (Opcode)(first & 0x0F), length, reservedBits: (ReservedBits)(first & 0x70));
        ArgumentException expected = Assert.Throws<ArgumentException>(() => ThrowHelper.ThrowArgument_InvalidHeader(rule, "header"));
        byte[] buffer = new byte[256];

        AssertSame(expected, Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteHeader(header)));
        AssertSame(expected, Assert.Throws<ArgumentException>(() => new FrameWriter(buffer).WriteFrame(header, new byte[length])));
        if (rule == FrameError.ControlFrameTooLarge)
        {
            AssertSame(Assert.Throws<ArgumentException>(() => FrameRules.ValidateControlPayload(length, "header")), expected);
        }
    }

    [Fact]
    public void Reserved_bits_on_data_frames_are_the_callers_to_set()
    {
        byte[] buffer = new byte[16];
        var writer = new FrameWriter(buffer);
        Assert.Equal(OperationStatus.Done, writer.WriteFrame(new FrameHeader(true, Opcode.Text, 1, reservedBits: ReservedBits.Rsv1 | ReservedBits.Rsv3), "a"u8));
        Assert.Equal(0xD1, buffer[0]);
    }

    [Fact]
    public void Every_way_to_send_a_ping_or_pong_takes_125_bytes_and_refuses_126_the_same_way()
    {
        ArgumentException expected = Assert.Throws<ArgumentException>(() => FrameRules.ValidateControlPayload(126, "payload"));
        byte[] buffer = new byte[256];
        foreach (WebSocketRole role in new[] { WebSocketRole.Client, WebSocketRole.Server })
        {
            using var encoder = new MessageEncoder(role);
            Assert.Equal(OperationStatus.Done, encoder.WritePing(new byte[125], buffer, out _));
            Assert.Equal(OperationStatus.Done, encoder.WritePong(new byte[125], buffer, out _));
            AssertSame(expected, Assert.Throws<ArgumentException>(() => encoder.WritePing(new byte[126], buffer, out _)));
            AssertSame(expected, Assert.Throws<ArgumentException>(() => encoder.WritePong(new byte[126], buffer, out _)));
        }

        var header = new FrameHeader(true, Opcode.Ping, 125);
        Assert.Equal(OperationStatus.Done, new FrameWriter(buffer).WriteFrame(header, new byte[125]));
    }

    [Fact]
    public async Task The_connections_PingAsync_and_PongAsync_throw_at_once_the_same_way_and_send_125_bytes()
    {
        ArgumentException expected = Assert.Throws<ArgumentException>(() => FrameRules.ValidateControlPayload(126, "payload"));
        using OurLink link = OurLink.Create();
        AssertSame(expected, Assert.Throws<ArgumentException>(() => { _ = link.Client.PingAsync(new byte[126]); }));
        AssertSame(expected, Assert.Throws<ArgumentException>(() => { _ = link.Client.PongAsync(new byte[126]); }));

        await link.Client.PingAsync(new byte[125]).Within();
        await link.Client.PongAsync(new byte[125]).Within();
        await link.Client.WriteMessageAsync(System.Net.WebSockets.WebSocketMessageType.Binary, new byte[] { 7 }).Within();

        // The server answers the ping and skips the pong; the message after them arrives.
        (System.Net.WebSockets.WebSocketMessageType type, byte[] data) = await Messaging.ReadAsync(link.Server, ReadApi.Message).Within();
        Assert.Equal(new byte[] { 7 }, data);
        Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Binary, type);
    }

    internal static void AssertSame(Exception expected, Exception actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal((expected as ArgumentException)?.ParamName, (actual as ArgumentException)?.ParamName);
    }
}

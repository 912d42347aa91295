using System.Buffers;
using Xunit;

namespace Shockwave.Codec.Tests.Framing;

public class FrameHeaderParserTests
{
    private static OperationStatus Parse(WebSocketRole role, ReadOnlySpan<byte> bytes, out FrameHeader header, out int consumed, out FrameError error,
        ReservedBits allowed = ReservedBits.None, long maxFrameSize = long.MaxValue)
    {
        var parser = new FrameHeaderParser(role, allowed, maxFrameSize);
        OperationStatus status = parser.Parse(bytes, out header, out consumed);
        error = parser.Error;

        // A complete verdict depends only on the header's bytes: with more bytes after them (which sends a buffer
        // of 14 bytes or more down the parser's fast path) the answer must be the same.
        if (status != OperationStatus.NeedMoreData)
        {
            byte[] padded = [.. bytes, .. new byte[FrameHeader.MaxHeaderLength]];
            Assert.Equal(status, parser.Parse(padded, out FrameHeader paddedHeader, out int paddedConsumed));
            Assert.Equal(header, paddedHeader);
            Assert.Equal(consumed, paddedConsumed);
            Assert.Equal(error, parser.Error);
        }

        return status;
    }

    /// <summary>Builds a header by hand, byte by byte, independent of FrameWriter.</summary>
    internal static byte[] RawHeader(byte first, long length, bool masked, uint key = 0, int forcedLengthBytes = -1) =>
        RawFrame.Header(first, length, masked, key, forcedLengthBytes);

    [Fact]
    public void Rfc_single_frame_unmasked_text()
    {
        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Client, Rfc6455Examples.UnmaskedHello, out FrameHeader h, out int consumed, out _));
        Assert.Equal(2, consumed);
        Assert.True(h.Fin);
        Assert.Equal(Opcode.Text, h.Opcode);
        Assert.False(h.IsMasked);
        Assert.Equal(5, h.PayloadLength);
        Assert.Equal(2, h.HeaderLength);
        Assert.Equal(ReservedBits.None, h.ReservedBits);
    }

    [Fact]
    public void Rfc_single_frame_masked_text()
    {
        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Server, Rfc6455Examples.MaskedHello, out FrameHeader h, out int consumed, out _));
        Assert.Equal(6, consumed);
        Assert.True(h.IsMasked);
        Assert.Equal(Rfc6455Examples.MaskKey, h.MaskKey);
        Assert.Equal(5, h.PayloadLength);
        Assert.Equal(Opcode.Text, h.Opcode);
    }

    [Fact]
    public void Rfc_fragmented_unmasked_text()
    {
        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Client, Rfc6455Examples.FragmentHel, out FrameHeader first, out _, out _));
        Assert.False(first.Fin);
        Assert.Equal(Opcode.Text, first.Opcode);
        Assert.Equal(3, first.PayloadLength);

        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Client, Rfc6455Examples.FragmentLo, out FrameHeader second, out _, out _));
        Assert.True(second.Fin);
        Assert.Equal(Opcode.Continuation, second.Opcode);
        Assert.Equal(2, second.PayloadLength);
    }

    [Fact]
    public void Rfc_ping_and_masked_pong()
    {
        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Client, Rfc6455Examples.UnmaskedPing, out FrameHeader ping, out _, out _));
        Assert.Equal(Opcode.Ping, ping.Opcode);
        Assert.True(ping.IsControl);
        Assert.Equal(5, ping.PayloadLength);

        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Server, Rfc6455Examples.MaskedPong, out FrameHeader pong, out int consumed, out _));
        Assert.Equal(Opcode.Pong, pong.Opcode);
        Assert.Equal(Rfc6455Examples.MaskKey, pong.MaskKey);
        Assert.Equal(6, consumed);
    }

    [Fact]
    public void Rfc_256_and_65536_byte_binary_headers()
    {
        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Client, Rfc6455Examples.Binary256Header, out FrameHeader small, out int c1, out _));
        Assert.Equal((256L, 4, Opcode.Binary), (small.PayloadLength, c1, small.Opcode));

        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Client, Rfc6455Examples.Binary65536Header, out FrameHeader big, out int c2, out _));
        Assert.Equal((65536L, 10, Opcode.Binary), (big.PayloadLength, c2, big.Opcode));
    }

    [Theory]
    [InlineData(0L, 2)]
    [InlineData(1L, 2)]
    [InlineData(125L, 2)]
    [InlineData(126L, 4)]
    [InlineData(65535L, 4)]
    [InlineData(65536L, 10)]
    [InlineData(1L << 32, 10)]
    [InlineData(long.MaxValue, 10)]
    public void Every_length_boundary_round_trips(long length, int expectedHeader)
    {
        foreach (bool masked in new[] { false, true })
        {
            byte[] raw = RawHeader(0x82, length, masked, 0xA1B2C3D4);
            Assert.Equal(expectedHeader + (masked ? 4 : 0), raw.Length);
            Assert.Equal(raw.Length, FrameHeader.GetHeaderLength(length, masked));
            var role = masked ? WebSocketRole.Server : WebSocketRole.Client;
            Assert.Equal(OperationStatus.Done, Parse(role, raw, out FrameHeader h, out int consumed, out FrameError error));
            Assert.Equal(FrameError.None, error);
            Assert.Equal(length, h.PayloadLength);
            Assert.Equal(raw.Length, consumed);
            Assert.Equal(raw.Length, h.HeaderLength);
            Assert.Equal(masked ? 0xA1B2C3D4 : 0u, h.MaskKey);
        }
    }

    [Fact]
    public void Length_with_most_significant_bit_set_is_refused()
    {
        byte[] raw = RawHeader(0x82, unchecked((long)0x8000_0000_0000_0000UL), masked: false, forcedLengthBytes: 8);
        Assert.Equal(OperationStatus.InvalidData, Parse(WebSocketRole.Client, raw, out FrameHeader h, out int consumed, out FrameError error));
        Assert.Equal(FrameError.LengthMostSignificantBitSet, error);
        Assert.Equal(0, consumed);
        Assert.Equal(default, h);

        raw = RawHeader(0x82, -1, masked: false, forcedLengthBytes: 8);
        Assert.Equal(OperationStatus.InvalidData, Parse(WebSocketRole.Client, raw, out _, out _, out error));
        Assert.Equal(FrameError.LengthMostSignificantBitSet, error);
    }

    [Theory]
    [InlineData(0L, 2)]
    [InlineData(125L, 2)]
    [InlineData(0L, 8)]
    [InlineData(125L, 8)]
    [InlineData(126L, 8)]
    [InlineData(65535L, 8)]
    public void Non_minimal_length_encodings_are_refused(long length, int lengthBytes)
    {
        byte[] raw = RawHeader(0x82, length, masked: false, forcedLengthBytes: lengthBytes);
        Assert.Equal(OperationStatus.InvalidData, Parse(WebSocketRole.Client, raw, out _, out _, out FrameError error));
        Assert.Equal(FrameError.NonMinimalLength, error);
    }

    [Fact]
    public void Every_opcode_is_classified()
    {
        for (int opcode = 0; opcode < 16; opcode++)
        {
            bool defined = opcode is 0 or 1 or 2 or 8 or 9 or 10;
            byte[] raw = RawHeader((byte)(0x80 | opcode), 3, masked: false);
            OperationStatus status = Parse(WebSocketRole.Client, raw, out FrameHeader h, out _, out FrameError error);
            if (defined)
            {
                Assert.Equal(OperationStatus.Done, status);
                Assert.Equal((Opcode)opcode, h.Opcode);
                Assert.Equal(opcode >= 8, h.IsControl);
            }
            else
            {
                Assert.Equal(OperationStatus.InvalidData, status);
                Assert.Equal(FrameError.ReservedOpcode, error);

                // Fail fast: the first byte alone already shows it.
                Assert.Equal(OperationStatus.InvalidData, Parse(WebSocketRole.Client, raw.AsSpan(0, 1), out _, out _, out error));
                Assert.Equal(FrameError.ReservedOpcode, error);
            }
        }
    }

    [Fact]
    public void Every_reserved_bit_combination_against_every_allowed_set()
    {
        for (int rsv = 0; rsv < 8; rsv++)
        {
            for (int allowed = 0; allowed < 8; allowed++)
            {
                byte rsvBits = (byte)(rsv << 4);
                var allowedBits = (ReservedBits)(allowed << 4);
                foreach (byte opcode in new byte[] { 0x1, 0x2, 0x0, 0x9 })
                {
                    byte[] raw = RawHeader((byte)(0x80 | rsvBits | opcode), 1, masked: false);
                    OperationStatus status = Parse(WebSocketRole.Client, raw, out FrameHeader h, out _, out FrameError error, allowedBits);
                    bool control = opcode >= 8;
                    bool ok = control ? rsv == 0 : (rsv & ~allowed) == 0;
                    Assert.Equal(ok ? OperationStatus.Done : OperationStatus.InvalidData, status);
                    if (ok)
                    {
                        Assert.Equal((ReservedBits)rsvBits, h.ReservedBits);
                        Assert.Equal((rsvBits & 0x40) != 0, h.Rsv1);
                        Assert.Equal((rsvBits & 0x20) != 0, h.Rsv2);
                        Assert.Equal((rsvBits & 0x10) != 0, h.Rsv3);
                    }
                    else
                    {
                        Assert.Equal(FrameError.ReservedBitsSet, error);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(0x08)]
    [InlineData(0x09)]
    [InlineData(0x0A)]
    public void Control_frames_must_not_be_fragmented(byte opcode)
    {
        byte[] raw = RawHeader(opcode, 0, masked: false);
        Assert.Equal(OperationStatus.InvalidData, Parse(WebSocketRole.Client, raw, out _, out _, out FrameError error));
        Assert.Equal(FrameError.ControlFrameFragmented, error);
    }

    [Theory]
    [InlineData(0x88, 125L, true)]
    [InlineData(0x88, 126L, false)]
    [InlineData(0x89, 126L, false)]
    [InlineData(0x8A, 65536L, false)]
    [InlineData(0x89, 125L, true)]
    public void Control_frames_carry_at_most_125_bytes(byte first, long length, bool ok)
    {
        byte[] raw = RawHeader(first, length, masked: false);
        OperationStatus status = Parse(WebSocketRole.Client, raw, out _, out _, out FrameError error);
        Assert.Equal(ok ? OperationStatus.Done : OperationStatus.InvalidData, status);
        Assert.Equal(ok ? FrameError.None : FrameError.ControlFrameTooLarge, error);
    }

    [Fact]
    public void Server_requires_mask_and_client_forbids_it()
    {
        Assert.Equal(OperationStatus.InvalidData, Parse(WebSocketRole.Server, Rfc6455Examples.UnmaskedHello, out _, out _, out FrameError error));
        Assert.Equal(FrameError.MaskRequired, error);
        Assert.Equal(OperationStatus.InvalidData, Parse(WebSocketRole.Client, Rfc6455Examples.MaskedHello, out _, out _, out error));
        Assert.Equal(FrameError.MaskForbidden, error);
    }

    [Theory]
    [InlineData(100L, 100L, true)]
    [InlineData(101L, 100L, false)]
    [InlineData(0L, 0L, true)]
    [InlineData(1L, 0L, false)]
    [InlineData(70000L, 65536L, false)]
    [InlineData(long.MaxValue, long.MaxValue - 1, false)]
    public void Max_frame_size_is_enforced(long length, long max, bool ok)
    {
        byte[] raw = RawHeader(0x82, length, masked: true, 7);
        OperationStatus status = Parse(WebSocketRole.Server, raw, out _, out _, out FrameError error, maxFrameSize: max);
        Assert.Equal(ok ? OperationStatus.Done : OperationStatus.InvalidData, status);
        Assert.Equal(ok ? FrameError.None : FrameError.FrameTooLarge, error);
    }

    [Fact]
    public void Every_proper_prefix_needs_more_data_and_consumes_nothing()
    {
        byte[][] headers =
        [
            RawHeader(0x81, 5, true, 1), RawHeader(0x82, 300, true, 2), RawHeader(0x82, 1L << 40, true, 3),
            RawHeader(0x02, 126, false), RawHeader(0x82, 1L << 40, false),
        ];
        foreach (byte[] raw in headers)
        {
            var role = (raw[1] & 0x80) != 0 ? WebSocketRole.Server : WebSocketRole.Client;
            for (int n = 0; n < raw.Length; n++)
            {
                Assert.Equal(OperationStatus.NeedMoreData, Parse(role, raw.AsSpan(0, n), out FrameHeader h, out int consumed, out FrameError error));
                Assert.Equal(0, consumed);
                Assert.Equal(FrameError.None, error);
                Assert.Equal(default, h);
            }

            Assert.Equal(OperationStatus.Done, Parse(role, raw, out _, out int all, out _));
            Assert.Equal(raw.Length, all);
        }
    }

    [Fact]
    public void Bytes_after_the_header_are_not_consumed()
    {
        byte[] frame = [.. Rfc6455Examples.MaskedHello, 0x81, 0x80];
        Assert.Equal(OperationStatus.Done, Parse(WebSocketRole.Server, frame, out FrameHeader h, out int consumed, out _));
        Assert.Equal(6, consumed);
        Assert.Equal(5, h.PayloadLength);
    }

    [Fact]
    public void Multi_segment_header_parses_like_contiguous()
    {
        byte[] raw = RawHeader(0x82, 1L << 33, true, 0xDEADBEEF);
        var parser = new FrameHeaderParser(WebSocketRole.Server);
        Assert.Equal(OperationStatus.Done, parser.Parse(raw, out FrameHeader expected, out _));
        for (int cut1 = 0; cut1 <= raw.Length; cut1++)
        {
            for (int cut2 = cut1; cut2 <= raw.Length; cut2++)
            {
                ReadOnlySequence<byte> sequence = SegmentHelper.Create(raw.AsMemory(0, cut1), raw.AsMemory(cut1, cut2 - cut1), raw.AsMemory(cut2));
                Assert.Equal(OperationStatus.Done, parser.Parse(sequence, out FrameHeader h, out int consumed));
                Assert.Equal(expected, h);
                Assert.Equal(raw.Length, consumed);
            }
        }
    }

    [Fact]
    public void Multi_segment_short_input_needs_more_data()
    {
        byte[] raw = RawHeader(0x82, 300, true, 5);
        var parser = new FrameHeaderParser(WebSocketRole.Server);
        ReadOnlySequence<byte> sequence = SegmentHelper.Create(raw.AsMemory(0, 2), raw.AsMemory(2, 3));
        Assert.Equal(OperationStatus.NeedMoreData, parser.Parse(sequence, out _, out int consumed));
        Assert.Equal(0, consumed);
        Assert.Equal(OperationStatus.NeedMoreData, parser.Parse(ReadOnlySequence<byte>.Empty, out _, out _));
    }

    [Fact]
    public void Parser_reports_its_configuration()
    {
        var parser = new FrameHeaderParser(WebSocketRole.Server, ReservedBits.Rsv1, 1000);
        Assert.Equal(WebSocketRole.Server, parser.Role);
        Assert.Equal(ReservedBits.Rsv1, parser.AllowedReservedBits);
        Assert.Equal(1000, parser.MaxFrameSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameHeaderParser(WebSocketRole.Client, maxFrameSize: -1));
    }

    [Fact]
    public void Error_is_cleared_by_the_next_successful_parse()
    {
        var parser = new FrameHeaderParser(WebSocketRole.Client);
        Assert.Equal(OperationStatus.InvalidData, parser.Parse(Rfc6455Examples.MaskedHello, out _, out _));
        Assert.Equal(FrameError.MaskForbidden, parser.Error);
        Assert.Equal(OperationStatus.Done, parser.Parse(Rfc6455Examples.UnmaskedHello, out _, out _));
        Assert.Equal(FrameError.None, parser.Error);
    }

    [Fact]
    public void Every_two_byte_prefix_is_handled_without_exception()
    {
        // Exhaustive over the first two bytes for both roles: the result must match an independent classification.
        Span<byte> buffer = stackalloc byte[14];
        foreach (WebSocketRole role in new[] { WebSocketRole.Client, WebSocketRole.Server })
        {
            var parser = new FrameHeaderParser(role, ReservedBits.Rsv1);
            for (int b0 = 0; b0 < 256; b0++)
            {
                for (int b1 = 0; b1 < 256; b1++)
                {
                    buffer.Clear();
                    buffer[0] = (byte)b0;
                    buffer[1] = (byte)b1;
                    buffer[3] = 200; // keeps a 16-bit length minimal
                    buffer[7] = 1;   // keeps a 64-bit length minimal (2^16 + ...)
                    OperationStatus status = parser.Parse(buffer, out FrameHeader h, out int consumed);
                    FrameError expected = ExpectedError(role, b0, b1);
                    Assert.Equal(expected == FrameError.None ? OperationStatus.Done : OperationStatus.InvalidData, status);
                    Assert.Equal(expected, parser.Error);
                    if (status == OperationStatus.Done)
                    {
                        Assert.Equal(h.HeaderLength, consumed);
                        Assert.Equal((Opcode)(b0 & 0xF), h.Opcode);
                    }
                }
            }
        }
    }

    private static FrameError ExpectedError(WebSocketRole role, int b0, int b1)
    {
        int opcode = b0 & 0xF;
        bool control = opcode >= 8;
        if (opcode is not (0 or 1 or 2 or 8 or 9 or 10))
        {
            return FrameError.ReservedOpcode;
        }

        if ((b0 & 0x70) != 0 && (control || (b0 & 0x30) != 0))
        {
            return FrameError.ReservedBitsSet;
        }

        if (control && (b0 & 0x80) == 0)
        {
            return FrameError.ControlFrameFragmented;
        }

        if (control && (b1 & 0x7F) > 125)
        {
            return FrameError.ControlFrameTooLarge;
        }

        bool masked = (b1 & 0x80) != 0;
        if (role == WebSocketRole.Server && !masked)
        {
            return FrameError.MaskRequired;
        }

        if (role == WebSocketRole.Client && masked)
        {
            return FrameError.MaskForbidden;
        }

        return FrameError.None;
    }
}

using System.Net.WebSockets;
using Shockwave.Codec.Tests.Framing;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

public class MessageDecoderTests
{
    internal static MessageDecoder Server(long maxMessage = MessageDecoderOptions.DefaultMaxMessageSize, int maxFragments = MessageDecoderOptions.DefaultMaxFragments, ReservedBits rsv = ReservedBits.None) =>
        new(new MessageDecoderOptions { Role = WebSocketRole.Server, MaxMessageSize = maxMessage, MaxFragments = maxFragments, AllowedReservedBits = rsv });

    private static MessageDecoder Client() => new(new MessageDecoderOptions { Role = WebSocketRole.Client });

    /// <summary>A raw frame, masked when a key is given; no validation, so tests can build broken frames.</summary>
    internal static byte[] Raw(byte first, ReadOnlySpan<byte> payload, uint? key = 0x5A17C3E1)
    {
        byte[] header = FrameHeaderParserTests.RawHeader(first, payload.Length, key is not null, key ?? 0);
        byte[] frame = [.. header, .. payload];
        if (key is uint k)
        {
            Masker.Apply(frame.AsSpan(header.Length), k, 0);
        }

        return frame;
    }

    private static Event Single(DecoderDriver driver)
    {
        Assert.Single(driver.Events);
        return driver.Events[0];
    }

    private static void AssertFails(byte[] wire, WebSocketCloseStatus expected, DecodeError error, Func<MessageDecoder>? factory = null)
    {
        foreach (int chunk in new[] { wire.Length, 1, 3 })
        {
            var driver = new DecoderDriver(factory?.Invoke() ?? Server());
            driver.FeedInChunks(wire, [chunk]);
            Event last = driver.Events[^1];
            Assert.Equal(DecodeResultKind.Error, last.Kind);
            Assert.Equal(expected, last.Status);
            Assert.Equal(error, last.Error);
        }
    }

    [Fact]
    public void Rfc_examples_decode()
    {
        var client = new DecoderDriver(Client());
        client.Feed(Rfc6455Examples.UnmaskedHello).Feed(Rfc6455Examples.FragmentHel).Feed(Rfc6455Examples.UnmaskedPing).Feed(Rfc6455Examples.FragmentLo);
        Assert.Equal(3, client.Events.Count);
        Assert.Equal("Hello"u8.ToArray(), client.Events[0].Payload);
        Assert.Equal(DecodeResultKind.Ping, client.Events[1].Kind);
        Assert.Equal("Hello"u8.ToArray(), client.Events[1].Payload);
        Assert.Equal(WebSocketMessageType.Text, client.Events[2].Type);
        Assert.Equal("Hello"u8.ToArray(), client.Events[2].Payload);

        var server = new DecoderDriver(Server());
        server.Feed(Rfc6455Examples.MaskedHello).Feed(Rfc6455Examples.MaskedPong);
        Assert.Equal("Hello"u8.ToArray(), server.Events[0].Payload);
        Assert.Equal(DecodeResultKind.Pong, server.Events[1].Kind);
        Assert.Equal("Hello"u8.ToArray(), server.Events[1].Payload);
    }

    [Fact]
    public void Empty_messages_and_empty_fragments()
    {
        var driver = new DecoderDriver(Server());
        driver.Feed(Raw(0x81, [])).Feed(Raw(0x02, [])).Feed(Raw(0x00, [])).Feed(Raw(0x80, [1, 2])).Feed(Raw(0x82, []));
        Assert.Equal(3, driver.Events.Count);
        Assert.Empty(driver.Events[0].Payload);
        Assert.Equal(WebSocketMessageType.Text, driver.Events[0].Type);
        Assert.Equal(new byte[] { 1, 2 }, driver.Events[1].Payload);
        Assert.Empty(driver.Events[2].Payload);
    }

    [Fact]
    public void Big_frame_streams_through_a_small_buffer()
    {
        byte[] payload = new byte[300_000];
        new Random(3).NextBytes(payload);
        var driver = new DecoderDriver(Server(), bufferSize: 256);
        driver.Feed(Raw(0x82, payload));
        Assert.Equal(payload, Single(driver).Payload);
        Assert.True(driver.ChunksPerMessage[0] > 1000);
    }

    [Fact]
    public void Close_frame_with_status_and_reason()
    {
        byte[] payload = [0x03, 0xE9, .. "going"u8];
        var driver = new DecoderDriver(Server()).Feed(Raw(0x88, payload));
        Event close = Single(driver);
        Assert.Equal(DecodeResultKind.Close, close.Kind);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.Status);
        Assert.Equal("going"u8.ToArray(), close.Payload);
        Assert.True(driver.Decoder.IsCloseReceived);

        var empty = new DecoderDriver(Server()).Feed(Raw(0x88, []));
        Assert.Null(Single(empty).Status);
        Assert.Equal(DecodeResultKind.Close, Single(empty).Kind);
    }

    [Fact]
    public void Control_frames_between_fragments()
    {
        var driver = new DecoderDriver(Server());
        driver.Feed(Raw(0x01, "fra"u8)).Feed(Raw(0x89, "p"u8)).Feed(Raw(0x00, "gme"u8)).Feed(Raw(0x8A, [])).Feed(Raw(0x80, "nt"u8));
        Assert.Equal([DecodeResultKind.Ping, DecodeResultKind.Pong, DecodeResultKind.MessageData], driver.Events.Select(e => e.Kind));
        Assert.Equal("fragment"u8.ToArray(), driver.Events[2].Payload);
    }

    [Fact]
    public void Continuation_without_a_message_is_1002() =>
        AssertFails(Raw(0x80, "x"u8), WebSocketCloseStatus.ProtocolError, DecodeError.ContinuationWithoutMessage);

    [Fact]
    public void New_message_inside_a_fragmented_one_is_1002() =>
        AssertFails([.. Raw(0x01, "a"u8), .. Raw(0x81, "b"u8)], WebSocketCloseStatus.ProtocolError, DecodeError.MessageInterleaved);

    [Theory]
    [InlineData(0x83)]
    [InlineData(0x87)]
    [InlineData(0x8B)]
    [InlineData(0x8F)]
    public void Reserved_opcodes_are_1002(byte first) =>
        AssertFails(Raw(first, "x"u8), WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader);

    [Theory]
    [InlineData(0xC1)]
    [InlineData(0xA2)]
    [InlineData(0x91)]
    [InlineData(0xC9)]
    public void Reserved_bits_are_1002(byte first) =>
        AssertFails(Raw(first, "x"u8), WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader);

    [Fact]
    public void Unmasked_frame_to_server_and_masked_frame_to_client_are_1002()
    {
        AssertFails(Raw(0x81, "x"u8, key: null), WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader);
        var driver = new DecoderDriver(Client()).Feed(Raw(0x81, "x"u8));
        Assert.Equal(WebSocketCloseStatus.ProtocolError, Single(driver).Status);
    }

    [Fact]
    public void Oversized_and_fragmented_control_frames_are_1002()
    {
        AssertFails(Raw(0x89, new byte[126]), WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader);
        AssertFails(Raw(0x09, "x"u8), WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader);
    }

    [Fact]
    public void Invalid_utf8_is_1007_and_fails_fast()
    {
        AssertFails(Raw(0x81, [0xCE, 0xBA, 0xC0, 0xAF]), WebSocketCloseStatus.InvalidPayloadData, DecodeError.InvalidUtf8);

        // Across fragments: the bad byte is in the second fragment, the message never finishes.
        AssertFails([.. Raw(0x01, "ok"u8), .. Raw(0x00, [0xED, 0xA0, 0x80])], WebSocketCloseStatus.InvalidPayloadData, DecodeError.InvalidUtf8);

        // Fail fast: a frame whose first bytes are impossible is refused before the rest of its payload arrives.
        byte[] frame = Raw(0x81, [0xF4, 0x90, .. new byte[1000]]);
        var driver = new DecoderDriver(Server());
        driver.Feed(frame.AsSpan(0, 6 + 4 + 2));
        Assert.Equal(DecodeError.InvalidUtf8, Single(driver).Error);

        // Truncated sequence at the end of a message.
        AssertFails(Raw(0x81, [0x61, 0xE2, 0x82]), WebSocketCloseStatus.InvalidPayloadData, DecodeError.InvalidUtf8);
    }

    [Fact]
    public void Utf8_split_across_fragments_is_valid()
    {
        byte[] euro = "€"u8.ToArray();
        var driver = new DecoderDriver(Server());
        driver.Feed(Raw(0x01, euro.AsSpan(0, 1))).Feed(Raw(0x00, euro.AsSpan(1, 1))).Feed(Raw(0x80, euro.AsSpan(2, 1)));
        Assert.Equal(euro, Single(driver).Payload);
    }

    [Fact]
    public void Binary_messages_are_not_checked_as_utf8()
    {
        var driver = new DecoderDriver(Server()).Feed(Raw(0x82, [0xFF, 0xC0]));
        Assert.Equal(DecodeResultKind.MessageData, Single(driver).Kind);
    }

    [Fact]
    public void Utf8_check_can_be_turned_off()
    {
        var decoder = new MessageDecoder(new MessageDecoderOptions { Role = WebSocketRole.Server, ValidateUtf8 = false });
        var driver = new DecoderDriver(decoder).Feed(Raw(0x81, [0xFF]));
        Assert.Equal(DecodeResultKind.MessageData, Single(driver).Kind);
    }

    [Theory]
    [InlineData(new byte[] { 0x03 }, 1002, CloseFrameError.PayloadTooShort)]
    [InlineData(new byte[] { 0x03, 0xED }, 1002, CloseFrameError.InvalidStatusCode)]
    [InlineData(new byte[] { 0x03, 0xEE }, 1002, CloseFrameError.InvalidStatusCode)]
    [InlineData(new byte[] { 0x00, 0x00 }, 1002, CloseFrameError.InvalidStatusCode)]
    [InlineData(new byte[] { 0x13, 0x88 }, 1002, CloseFrameError.InvalidStatusCode)]
    [InlineData(new byte[] { 0x03, 0xE8, 0xFF }, 1007, CloseFrameError.InvalidReason)]
    public void Bad_close_payloads(byte[] payload, int status, CloseFrameError _)
    {
        AssertFails(Raw(0x88, payload), (WebSocketCloseStatus)status, DecodeError.InvalidClosePayload);
    }

    [Fact]
    public void Message_too_big_is_1009_before_its_payload()
    {
        // A header announcing 2^40 bytes: refused at once, nothing buffered.
        byte[] header = FrameHeaderParserTests.RawHeader(0x82, 1L << 40, true, 1);
        AssertFails(header, WebSocketCloseStatus.MessageTooBig, DecodeError.InvalidFrameHeader, () => Server(maxMessage: 1000));

        // Within the frame limit but over the message limit once fragments add up.
        AssertFails([.. Raw(0x02, new byte[600]), .. Raw(0x80, new byte[600])], WebSocketCloseStatus.MessageTooBig, DecodeError.MessageTooBig, () => Server(maxMessage: 1000));

        var ok = new DecoderDriver(Server(maxMessage: 1000)).Feed([.. Raw(0x02, new byte[500]), .. Raw(0x80, new byte[500])]);
        Assert.Equal(1000, Single(ok).Payload.Length);
    }

    [Fact]
    public void Too_many_fragments_is_1008()
    {
        byte[] wire = [.. Raw(0x02, "a"u8), .. Raw(0x00, "b"u8), .. Raw(0x00, "c"u8), .. Raw(0x80, "d"u8)];
        AssertFails(wire, WebSocketCloseStatus.PolicyViolation, DecodeError.TooManyFragments, () => Server(maxFragments: 3));
        Assert.Equal("abcd"u8.ToArray(), Single(new DecoderDriver(Server(maxFragments: 4)).Feed(wire)).Payload);
    }

    [Fact]
    public void Data_after_close_is_1002()
    {
        var driver = new DecoderDriver(Server()).Feed([.. Raw(0x88, [0x03, 0xE8]), .. Raw(0x81, "late"u8)]);
        Assert.Equal([DecodeResultKind.Close, DecodeResultKind.Error], driver.Events.Select(e => e.Kind));
        Assert.Equal(DecodeError.DataAfterClose, driver.Events[1].Error);
    }

    [Fact]
    public void Rsv1_marks_compressed_messages_only_on_the_first_frame()
    {
        var driver = new DecoderDriver(Server(rsv: ReservedBits.Rsv1)).Feed([.. Raw(0x41, [0xFF]), .. Raw(0x80, [0xFE])]);
        Event message = Single(driver);
        Assert.True(message.Compressed);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, message.Payload); // compressed text is not checked as UTF-8 here

        AssertFails([.. Raw(0x01, "a"u8), .. Raw(0xC0, "b"u8)], WebSocketCloseStatus.ProtocolError, DecodeError.CompressedContinuation, () => Server(rsv: ReservedBits.Rsv1));
        AssertFails(Raw(0xC1, "a"u8), WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader);
    }

    [Fact]
    public void Errors_are_sticky_and_reset_clears_them()
    {
        MessageDecoder decoder = Server();
        byte[] bad = Raw(0x80, "x"u8);
        DecodeResult first = decoder.Decode(bad, out _);
        Assert.Equal(DecodeResultKind.Error, first.Kind);
        Assert.True(decoder.IsFaulted);
        DecodeResult again = decoder.Decode(Raw(0x81, "fine"u8), out int consumed);
        Assert.Equal(DecodeResultKind.Error, again.Kind);
        Assert.Equal(0, consumed);

        decoder.Reset();
        Assert.False(decoder.IsFaulted);
        Assert.Equal("fine"u8.ToArray(), Single(new DecoderDriver(decoder).Feed(Raw(0x81, "fine"u8))).Payload);
    }

    [Fact]
    public void Trickle_one_byte_at_a_time_gives_the_same_events()
    {
        byte[] wire =
        [
            .. Raw(0x01, "κόσ"u8), .. Raw(0x89, "ping"u8), .. Raw(0x80, "με"u8), .. Raw(0x82, new byte[70000]),
            .. Raw(0x8A, []), .. Raw(0x88, [0x0F, 0xA0, .. "bye"u8]),
        ];
        var whole = new DecoderDriver(Server()).Feed(wire);
        var trickle = new DecoderDriver(Server()).FeedInChunks(wire, [1]);
        Assert.Equal(5, whole.Events.Count);
        Assert.Equal(whole.Events.Select(e => e.ToString()), trickle.Events.Select(e => e.ToString()));
        for (int i = 0; i < whole.Events.Count; i++)
        {
            Assert.Equal(whole.Events[i].Payload, trickle.Events[i].Payload);
        }
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageDecoder(new MessageDecoderOptions { MaxMessageSize = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageDecoder(new MessageDecoderOptions { MaxFrameSize = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageDecoder(new MessageDecoderOptions { MaxFragments = 0 }));
        Assert.Equal(WebSocketRole.Server, new MessageDecoder().Role);
    }

    [Fact]
    public void Decoding_allocates_nothing()
    {
        var encoder = new MessageEncoder(WebSocketRole.Client);
        byte[] wire = new byte[4096];
        encoder.WriteMessage(WebSocketMessageType.Text, "héllo wörld"u8, wire, out int length);
        byte[] copy = new byte[length];
        MessageDecoder decoder = Server();

        void DecodeOnce()
        {
            wire.AsSpan(0, length).CopyTo(copy);
            DecodeResult result = decoder.Decode(copy, out int consumed);
            if (result.Kind != DecodeResultKind.MessageData || consumed != length)
            {
                throw new InvalidOperationException(result.ToString());
            }
        }

        DecodeOnce();
        Assert.Equal(0, AllocationCounter.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                DecodeOnce();
            }
        }));
    }
}

using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>
/// <see cref="MessageDecoder.DecodeInto"/>: a data chunk that fits the destination is unmasked while copied there
/// (one pass); a larger one is unmasked in place, whole, and delivered as far as it fits, the rest waiting unconsumed.
/// </summary>
public class DecodeIntoTests
{
    private static byte[] Payload(int length, bool text)
    {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++)
        {
            payload[i] = text ? (byte)('a' + (i % 26)) : (byte)(i * 37);
        }

        return payload;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    [InlineData(125, false)]
    [InlineData(300, true)]
    [InlineData(4096, false)]
    public void A_chunk_that_fits_is_unmasked_into_the_destination_and_the_buffer_keeps_its_masked_bytes(int length, bool text)
    {
        byte[] payload = Payload(length, text);
        byte[] wire = MessageDecoderTests.Raw(text ? (byte)0x81 : (byte)0x82, payload);
        byte[] received = (byte[])wire.Clone();
        byte[] destination = new byte[length + 5];

        DecodeResult result = MessageDecoderTests.Server().DecodeInto(received, destination, out int consumed);

        Assert.Equal(DecodeResultKind.MessageData, result.Kind);
        Assert.True(result.IsPayloadCopied);
        Assert.True(result.EndOfMessage);
        Assert.Equal(0, result.PayloadOffset);
        Assert.Equal(length, result.PayloadLength);
        Assert.Equal(wire.Length, consumed);
        Assert.Equal(payload, destination.AsSpan(0, length).ToArray());
        Assert.Equal(wire, received); // one pass: the receive buffer was only read
    }

    [Fact]
    public void A_chunk_larger_than_the_destination_delivers_what_fits_and_leaves_the_rest_unmasked_at_the_head()
    {
        byte[] payload = Payload(200, text: false);
        byte[] received = MessageDecoderTests.Raw(0x82, payload);
        int headerLength = received.Length - payload.Length;
        byte[] destination = new byte[199];
        MessageDecoder decoder = MessageDecoderTests.Server();

        DecodeResult result = decoder.DecodeInto(received, destination, out int consumed);

        Assert.True(result.IsPayloadCopied);
        Assert.False(result.EndOfMessage);
        Assert.Equal(199, result.PayloadLength);
        Assert.Equal(headerLength + 199, consumed); // only what was delivered
        Assert.Equal(payload.AsSpan(0, 199).ToArray(), destination);

        // The whole chunk was unmasked in place by this call; the byte that did not fit waits at the head, unmasked.
        Assert.Equal(payload[199], received[consumed]);
        Assert.True(decoder.HasPendingPayload);
        Assert.Equal(1, decoder.PayloadRemaining);

        DecodeResult rest = decoder.DecodeInto(received.AsSpan(consumed), destination, out int restConsumed);
        Assert.Equal(1, restConsumed);
        Assert.Equal(1, rest.PayloadLength);
        Assert.True(rest.EndOfMessage);
        Assert.Equal(payload[199], destination[0]);
        Assert.False(decoder.HasPendingPayload);
    }

    [Fact]
    public void A_frame_arriving_in_pieces_keeps_the_mask_offset_across_copied_chunks()
    {
        byte[] payload = Payload(1001, text: true);
        byte[] wire = MessageDecoderTests.Raw(0x81, payload);
        var decoder = MessageDecoderTests.Server();
        var message = new List<byte>();
        int position = 0;
        int copied = 0;
        foreach (int piece in new[] { 9, 1, 2, 3, 5, 333, 7, 1000 })
        {
            int take = Math.Min(piece, wire.Length - position);
            byte[] arrived = wire.AsSpan(position, take).ToArray();
            byte[] destination = new byte[take];
            DecodeResult result = decoder.DecodeInto(arrived, destination, out int consumed);
            Assert.Equal(take, consumed);
            if (result.Kind == DecodeResultKind.MessageData)
            {
                Assert.True(result.IsPayloadCopied);
                copied++;
                message.AddRange(destination.AsSpan(0, result.PayloadLength).ToArray());
            }

            position += take;
        }

        Assert.Equal(wire.Length, position);
        Assert.True(copied >= 6, $"only {copied} chunks were copied");
        Assert.Equal(payload, message.ToArray());
        Assert.False(decoder.IsMessageInProgress);
    }

    [Fact]
    public void A_compressed_message_stays_in_the_buffer_for_the_decompressor()
    {
        // RFC 7692 §6: RSV1 on the first frame; the payload is DEFLATE data, never the caller's bytes.
        byte[] payload = [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00];
        byte[] received = MessageDecoderTests.Raw(0xC1, payload);
        byte[] destination = new byte[64];

        DecodeResult result = MessageDecoderTests.Server(rsv: ReservedBits.Rsv1).DecodeInto(received, destination, out _);

        Assert.Equal(DecodeResultKind.MessageData, result.Kind);
        Assert.True(result.IsCompressed);
        Assert.False(result.IsPayloadCopied);
        Assert.Equal(payload, result.GetPayload(received).ToArray());
    }

    [Fact]
    public void Invalid_utf8_in_a_copied_chunk_fails_with_1007()
    {
        // RFC 6455 §8.1: ED A0 80 is a surrogate, never valid.
        byte[] received = MessageDecoderTests.Raw(0x81, [(byte)'o', (byte)'k', 0xED, 0xA0, 0x80]);
        DecodeResult result = MessageDecoderTests.Server().DecodeInto(received, new byte[16], out _);

        Assert.Equal(DecodeResultKind.Error, result.Kind);
        Assert.Equal(DecodeError.InvalidUtf8, result.Error);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, result.CloseStatus);
    }

    [Fact]
    public void An_empty_destination_takes_nothing_and_reports_the_waiting_chunk()
    {
        byte[] payload = Payload(10, text: false);
        byte[] received = MessageDecoderTests.Raw(0x82, payload);
        MessageDecoder decoder = MessageDecoderTests.Server();

        DecodeResult result = decoder.DecodeInto(received, default, out int consumed);

        Assert.Equal(DecodeResultKind.MessageData, result.Kind);
        Assert.Equal(0, result.PayloadLength);
        Assert.False(result.EndOfMessage);
        Assert.Equal(received.Length - 10, consumed); // the header only
        Assert.True(decoder.HasPendingPayload);

        byte[] destination = new byte[16];
        DecodeResult next = decoder.DecodeInto(received.AsSpan(consumed), destination, out int nextConsumed);
        Assert.Equal(10, nextConsumed);
        Assert.True(next.EndOfMessage);
        Assert.Equal(payload, next.GetPayload(received.AsSpan(consumed), destination).ToArray());
    }

    [Fact]
    public void GetPayload_finds_a_copied_payload_in_the_destination_and_refuses_to_guess_from_the_buffer_alone()
    {
        byte[] payload = Payload(40, text: true);
        byte[] received = MessageDecoderTests.Raw(0x81, payload);
        byte[] destination = new byte[64];

        DecodeResult result = MessageDecoderTests.Server().DecodeInto(received, destination, out _);

        Assert.True(result.IsPayloadCopied);
        Assert.Equal(payload, result.GetPayload(received, destination).ToArray());
        Assert.Throws<InvalidOperationException>(() => result.GetPayload(received));
        Assert.StartsWith("Text chunk copied [0..+40]", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetPayload_with_a_destination_finds_a_payload_left_in_the_buffer_and_a_control_frames_payload()
    {
        // Without PerMessageDeflate a compressed payload (RFC 7692 §6: RSV1) stays in the buffer for the caller to inflate.
        byte[] payload = Payload(30, text: false);
        byte[] received = [.. MessageDecoderTests.Raw(0xC2, payload), .. MessageDecoderTests.Raw(0x89, [1, 2, 3])];
        byte[] destination = new byte[8];
        MessageDecoder decoder = MessageDecoderTests.Server(rsv: ReservedBits.Rsv1);

        DecodeResult data = decoder.DecodeInto(received, destination, out int consumed);
        Assert.False(data.IsPayloadCopied);
        Assert.Equal(payload, data.GetPayload(received, destination).ToArray());

        // A ping fits the destination but is never copied: its payload is for the pong, not the application.
        Span<byte> rest = received.AsSpan(consumed);
        DecodeResult ping = decoder.DecodeInto(rest, destination, out _);
        Assert.Equal(DecodeResultKind.Ping, ping.Kind);
        Assert.False(ping.IsPayloadCopied);
        Assert.Equal([1, 2, 3], ping.GetPayload(rest, destination).ToArray());
        Assert.All(destination, b => Assert.Equal(0, b));
    }
}

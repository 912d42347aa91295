using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using FsCheck.Xunit;
using Shockwave.Codec.Tests.Masking;
using Shockwave.Codec.Tests.Properties;
using Shockwave.Codec.Tests.Properties.Arbitraries;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>
/// The header-only frame API: WriteFragmentHeader, then the payload through MaskPayload (a client, RFC 6455 §5.3) or
/// AdvancePayload (a server), with the encoder keeping the key, the offset and the bytes still owed.
/// </summary>
[Properties(Arbitrary = [typeof(MaskingArbitraries)])]
public class EncoderMaskingTests
{
    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Chunked_masking_equals_one_shot_masking_for_any_chunking(ChunkedMaskCase chunked)
    {
        MaskCase c = chunked.Case;
        byte[] payload = c.Payload();
        var encoder = new MessageEncoder(WebSocketRole.Client);
        byte[] frame = new byte[FrameHeader.MaxHeaderLength + payload.Length];
        if (encoder.WriteFragmentHeader(WebSocketMessageType.Binary, payload.Length, true, frame, out int header) != OperationStatus.Done)
        {
            return false;
        }

        // The key is the header's last four bytes, first wire byte least significant (Masker's convention).
        uint key = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(header - 4));
        byte[] expected = MaskTestKit.Reference(payload, key, 0);

        // Chunks alternate between copying and masking in place (seeded by the case), so both forms continue each other.
        Span<byte> body = frame.AsSpan(header, payload.Length);
        int position = 0;
        int index = 0;
        foreach (int cut in chunked.Cuts.Append(c.Length))
        {
            if (((c.Seed >> (index++ & 15)) & 1) == 0)
            {
                encoder.MaskPayload(payload.AsSpan(position..cut), body[position..]);
            }
            else
            {
                payload.AsSpan(position..cut).CopyTo(body[position..]);
                encoder.MaskPayload(body[position..cut]);
            }

            position = cut;
            if (encoder.PayloadRemaining != payload.Length - position)
            {
                return false;
            }
        }

        var driver = new DecoderDriver(new MessageDecoder(new MessageDecoderOptions { Role = WebSocketRole.Server })).Feed(frame.AsSpan(0, header + payload.Length));
        return body.SequenceEqual(expected) && driver.Events.Count == 1 && driver.Events[0].Payload.AsSpan().SequenceEqual(payload);
    }

    [Fact]
    public void A_server_sends_the_payload_as_it_is()
    {
        byte[] payload = new byte[100_000];
        new Random(21).NextBytes(payload);
        var encoder = new MessageEncoder(WebSocketRole.Server);
        byte[] header = new byte[FrameHeader.MaxHeaderLength];
        encoder.WriteFragmentHeader(WebSocketMessageType.Binary, payload.Length, false, header, out int n);
        encoder.AdvancePayload(60_000);
        Assert.Equal(40_000, encoder.PayloadRemaining);
        byte[] copied = new byte[40_000];
        encoder.MaskPayload(payload.AsSpan(60_000), copied);
        Assert.Equal(payload.AsSpan(60_000).ToArray(), copied);
        Assert.Equal(0, encoder.PayloadRemaining);

        // A continuation with no payload owes nothing.
        encoder.WriteFragmentHeader(WebSocketMessageType.Binary, 0, true, header.AsSpan(n), out int m);
        Assert.Equal(0, encoder.PayloadRemaining);

        var driver = new DecoderDriver(new MessageDecoder(new MessageDecoderOptions { Role = WebSocketRole.Client }), bufferSize: 200_000)
            .Feed(header.AsSpan(0, n)).Feed(payload).Feed(header.AsSpan(n, m));
        Assert.Equal(payload, Assert.Single(driver.Events).Payload);
    }

    [Fact]
    public void While_payload_is_owed_no_other_frame_may_be_written()
    {
        var encoder = new MessageEncoder(WebSocketRole.Client);
        byte[] buffer = new byte[200];
        encoder.WriteFragmentHeader(WebSocketMessageType.Text, 10, false, buffer, out _);
        Assert.Equal(10, encoder.PayloadRemaining);
        Assert.Throws<InvalidOperationException>(() => encoder.WriteFragment(WebSocketMessageType.Text, "x"u8, true, buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteFragmentHeader(WebSocketMessageType.Text, 1, true, buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WritePing([], buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WritePong([], buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteClose(WebSocketCloseStatus.NormalClosure, "bye", buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteEmptyClose(buffer, out _));

        // More than owed, a short destination, and an unmasked payload from a client are refused, changing nothing.
        Assert.Throws<ArgumentException>(() => encoder.MaskPayload(new byte[11], buffer));
        Assert.Throws<ArgumentException>(() => encoder.MaskPayload(new byte[11]));
        Assert.Throws<ArgumentException>(() => encoder.MaskPayload(new byte[5], new byte[4]));
        Assert.Throws<InvalidOperationException>(() => encoder.AdvancePayload(10));
        Assert.Equal(10, encoder.PayloadRemaining);

        encoder.MaskPayload(new byte[4], buffer);
        encoder.MaskPayload(new byte[6]);
        Assert.Equal(0, encoder.PayloadRemaining);
        Assert.Throws<ArgumentException>(() => encoder.MaskPayload(new byte[1], buffer));
        encoder.MaskPayload([], buffer);
        Assert.Equal(OperationStatus.Done, encoder.WriteFragment(WebSocketMessageType.Text, "x"u8, true, buffer, out _));

        var server = new MessageEncoder(WebSocketRole.Server);
        Assert.Throws<ArgumentOutOfRangeException>(() => server.WriteFragmentHeader(WebSocketMessageType.Binary, -1, true, buffer, out _));
        Assert.Throws<ArgumentException>(() => server.AdvancePayload(1));
        server.WriteFragmentHeader(WebSocketMessageType.Binary, 5, true, buffer, out _);
        Assert.Throws<ArgumentOutOfRangeException>(() => server.AdvancePayload(-1));
        Assert.Throws<ArgumentException>(() => server.AdvancePayload(6));

        // Reset forgets the owed payload, as for a new connection.
        server.Reset();
        Assert.Equal(0, server.PayloadRemaining);
        Assert.Equal(OperationStatus.Done, server.WritePing([], buffer, out _));
    }

    [Fact]
    public void Header_only_frames_allocate_nothing_in_steady_state()
    {
        var encoder = new MessageEncoder(WebSocketRole.Client);
        byte[] payload = new byte[1000];
        byte[] buffer = new byte[1100];
        void Frame()
        {
            encoder.WriteFragmentHeader(WebSocketMessageType.Binary, payload.Length, true, buffer, out int n);
            encoder.MaskPayload(payload.AsSpan(0, 333), buffer.AsSpan(n));
            encoder.MaskPayload(payload.AsSpan(333), buffer.AsSpan(n + 333));
        }

        Frame();
        Assert.Equal(0, AllocationCounter.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                Frame();
            }
        }));
    }
}

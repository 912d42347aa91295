using System.Buffers;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

public class MessageEncoderTests
{
    private static MessageDecoder DecoderFor(MessageEncoder encoder) =>
        new(new MessageDecoderOptions { Role = encoder.Role == WebSocketRole.Client ? WebSocketRole.Server : WebSocketRole.Client });

    [Theory]
    [InlineData(WebSocketRole.Client)]
    [InlineData(WebSocketRole.Server)]
    public void Messages_fragments_and_control_frames_reach_the_peer(WebSocketRole role)
    {
        var encoder = new MessageEncoder(role);
        var output = new ArrayBufferWriter<byte>();
        encoder.WriteMessage(WebSocketMessageType.Binary, [1, 2, 3], output);
        encoder.WriteFragment(WebSocketMessageType.Text, "Hel"u8, false, output);
        Assert.True(encoder.IsMessageInProgress);

        Span<byte> frame = stackalloc byte[200];
        Assert.Equal(OperationStatus.Done, encoder.WritePing("p"u8, frame, out int n));
        output.Write(frame.Slice(0, n));
        Assert.Equal(OperationStatus.Done, encoder.WritePong([], frame, out n));
        output.Write(frame.Slice(0, n));

        encoder.WriteFragment(WebSocketMessageType.Text, "lo"u8, true, output);
        Assert.False(encoder.IsMessageInProgress);
        Assert.Equal(OperationStatus.Done, encoder.WriteText("wörld".AsSpan(), frame, out n));
        output.Write(frame.Slice(0, n));
        Assert.Equal(OperationStatus.Done, encoder.WriteClose(WebSocketCloseStatus.NormalClosure, "done", frame, out n));
        output.Write(frame.Slice(0, n));
        Assert.True(encoder.IsCloseSent);

        var driver = new DecoderDriver(DecoderFor(encoder)).Feed(output.WrittenSpan);
        Assert.Equal(
            [DecodeResultKind.MessageData, DecodeResultKind.Ping, DecodeResultKind.Pong, DecodeResultKind.MessageData, DecodeResultKind.MessageData, DecodeResultKind.Close],
            driver.Events.Select(e => e.Kind));
        Assert.Equal(new byte[] { 1, 2, 3 }, driver.Events[0].Payload);
        Assert.Equal("Hello"u8.ToArray(), driver.Events[3].Payload);
        Assert.Equal(WebSocketMessageType.Text, driver.Events[3].Type);
        Assert.Equal("wörld"u8.ToArray(), driver.Events[4].Payload);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, driver.Events[5].Status);
        Assert.Equal("done"u8.ToArray(), driver.Events[5].Payload);
    }

    [Fact]
    public void Client_frames_are_masked_with_fresh_keys_and_server_frames_are_not()
    {
        var client = new MessageEncoder(WebSocketRole.Client);
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        client.WriteMessage(WebSocketMessageType.Binary, new byte[8], a, out _);
        client.WriteMessage(WebSocketMessageType.Binary, new byte[8], b, out _);
        Assert.Equal(0x80, a[1] & 0x80);
        Assert.NotEqual(a.AsSpan(2, 4).ToArray(), b.AsSpan(2, 4).ToArray());

        var server = new MessageEncoder(WebSocketRole.Server);
        server.WriteMessage(WebSocketMessageType.Binary, new byte[8], a, out int n);
        Assert.Equal(10, n);
        Assert.Equal(0, a[1] & 0x80);
        Assert.Equal(10, server.GetFrameLength(8));
        Assert.Equal(14, client.GetFrameLength(8));
    }

    [Fact]
    public void Destination_too_small_changes_nothing()
    {
        var encoder = new MessageEncoder(WebSocketRole.Server);
        byte[] small = new byte[5];
        Assert.Equal(OperationStatus.DestinationTooSmall, encoder.WriteFragment(WebSocketMessageType.Text, "abcd"u8, false, small, out int n));
        Assert.Equal(0, n);
        Assert.False(encoder.IsMessageInProgress);
        Assert.Equal(OperationStatus.DestinationTooSmall, encoder.WriteText("abcd".AsSpan(), small, out n));
        Assert.Equal(OperationStatus.DestinationTooSmall, encoder.WriteClose(WebSocketCloseStatus.NormalClosure, "abcd", small, out n));
        Assert.False(encoder.IsCloseSent);
        Assert.Equal(OperationStatus.DestinationTooSmall, encoder.WriteFragmentHeader(WebSocketMessageType.Binary, 1000, false, small.AsSpan(0, 3), out n));
        Assert.Equal(0, encoder.PayloadRemaining);
        Assert.False(encoder.IsMessageInProgress);
    }

    [Fact]
    public void Misuse_throws()
    {
        var encoder = new MessageEncoder(WebSocketRole.Client);
        byte[] buffer = new byte[300];
        encoder.WriteFragment(WebSocketMessageType.Text, "a"u8, false, buffer, out _);
        Assert.Throws<InvalidOperationException>(() => encoder.WriteMessage(WebSocketMessageType.Text, "b"u8, buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteText("b".AsSpan(), buffer, out _));
        Assert.Throws<ArgumentException>(() => encoder.WriteFragment(WebSocketMessageType.Binary, "b"u8, true, buffer, out _));
        Assert.Throws<ArgumentException>(() => encoder.WriteFragment(WebSocketMessageType.Close, "b"u8, true, buffer, out _));
        Assert.Throws<ArgumentException>(() => encoder.WritePing(new byte[126], buffer, out _));
        Assert.Throws<ArgumentException>(() => encoder.WriteClose(WebSocketCloseStatus.Empty, "x", buffer, out _));

        encoder.Reset();
        Assert.ThrowsAny<ArgumentException>(() => encoder.WriteText("\udc00".AsSpan(), buffer, out _));
        Assert.Equal(OperationStatus.Done, encoder.WriteEmptyClose(buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteMessage(WebSocketMessageType.Binary, "b"u8, buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WritePing([], buffer, out _));
        Assert.Throws<InvalidOperationException>(() => encoder.WriteEmptyClose(buffer, out _));
    }

    [Fact]
    public void Header_only_write_lets_the_payload_come_from_elsewhere()
    {
        byte[] payload = new byte[70000];
        new Random(11).NextBytes(payload);
        foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
        {
            var encoder = new MessageEncoder(role);
            byte[] header = new byte[14];
            Assert.Equal(OperationStatus.Done, encoder.WriteFragmentHeader(WebSocketMessageType.Binary, payload.Length, true, header, out int n));
            Assert.Equal(payload.Length, encoder.PayloadRemaining);
            byte[] body = new byte[payload.Length];
            if (role == WebSocketRole.Client)
            {
                encoder.MaskPayload(payload, body);
            }
            else
            {
                payload.CopyTo(body, 0);
                encoder.AdvancePayload(payload.Length);
            }

            Assert.Equal(0, encoder.PayloadRemaining);

            var driver = new DecoderDriver(DecoderFor(encoder)).Feed(header.AsSpan(0, n)).Feed(body);
            Assert.Equal(payload, Assert.Single(driver.Events).Payload);
        }
    }

    [Fact]
    public void Encoding_allocates_nothing()
    {
        var encoder = new MessageEncoder(WebSocketRole.Client);
        byte[] buffer = new byte[512];
        byte[] payload = new byte[100];
        encoder.WriteMessage(WebSocketMessageType.Binary, payload, buffer, out _);
        encoder.WriteText("warm-up".AsSpan(), buffer, out _);
        Assert.Equal(0, AllocationCounter.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                encoder.WriteMessage(WebSocketMessageType.Binary, payload, buffer, out _);
                encoder.WriteText("héllo".AsSpan(), buffer, out _);
                encoder.WritePing(payload.AsSpan(0, 10), buffer, out _);
            }
        }));
    }
}

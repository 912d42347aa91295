using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Handshake;

/// <summary>
/// A server that runs the sans-I/O <see cref="ServerHandshake"/> itself hands the bytes after the request's head to
/// <see cref="MessageConnection.CreateAfterHandshake"/>: they are the first frames and must not be lost.
/// </summary>
public class SansIoHandshakeConnectionTests
{
    [Fact]
    public async Task Frames_that_arrived_with_the_request_are_read_first()
    {
        byte[] first = MaskedFrame(Opcode.Text, "first"u8, 0x01020304);
        byte[] second = MaskedFrame(Opcode.Binary, [9, 8, 7], 0x0A0B0C0D);
        byte[] received = [.. Encoding.ASCII.GetBytes(ServerHandshakeTests.Request("Sec-WebSocket-Protocol: chat\r\n")), .. first];

        var handshake = new ServerHandshake(new ServerHandshakeOptions { SubProtocols = ["chat"] });
        Assert.Equal(OperationStatus.Done, handshake.ReadRequest(received, out int consumed));
        Assert.Equal(received.Length - first.Length, consumed);

        // The transport still holds a frame the handshake never saw: both must arrive, in order.
        using var transport = new MemoryStream(second);
        using MessageConnection connection = MessageConnection.CreateAfterHandshake(transport, null, received.AsSpan(consumed), handshake.SubProtocol, handshake.Extensions);
        Assert.Equal(WebSocketRole.Server, connection.Role);
        Assert.Equal("chat", connection.SubProtocol);
        Assert.Null(connection.Extensions);

        WebSocketMessage message = await connection.ReadMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        Assert.Equal("first", message.GetText());

        message = await connection.ReadMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, message.MessageType);
        Assert.Equal([9, 8, 7], message.Data.ToArray());
    }

    [Fact]
    public async Task Without_initial_data_the_connection_reads_the_transport()
    {
        using var transport = new MemoryStream(MaskedFrame(Opcode.Binary, [1, 2], 0x11223344));
        using MessageConnection connection = MessageConnection.CreateAfterHandshake(transport, new MessageConnectionOptions(), ReadOnlySpan<byte>.Empty, null, null);
        Assert.Null(connection.SubProtocol);
        WebSocketMessage message = await connection.ReadMessageAsync();
        Assert.Equal([1, 2], message.Data.ToArray());
    }

    [Fact]
    public void A_null_stream_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => MessageConnection.CreateAfterHandshake(null!, null, ReadOnlySpan<byte>.Empty, null, null));

    private static byte[] MaskedFrame(Opcode opcode, ReadOnlySpan<byte> payload, uint maskKey)
    {
        byte[] frame = new byte[FrameHeader.GetHeaderLength(payload.Length, isMasked: true) + payload.Length];
        var writer = new FrameWriter(frame);
        writer.WriteFrame(new FrameHeader(fin: true, opcode, payload.Length, isMasked: true, maskKey), payload);
        Assert.Equal(frame.Length, writer.BytesWritten);
        return frame;
    }
}

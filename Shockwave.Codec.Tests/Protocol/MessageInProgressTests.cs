using System.Buffers;
using System.Net.WebSockets;
using Shockwave.Codec.Tests.Connection;
using Shockwave.Codec.Tests.Framing;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>
/// RFC 6455 §5.4: no message starts inside a fragmented one. One named throw helper
/// (<see cref="ThrowHelper.ThrowInvalidOperation_MessageInProgress"/>) behind every whole-message write, naming the
/// API that ends the open message: the encoder's WriteFragment, the connection's WriteFragmentAsync.
/// </summary>
public class MessageInProgressTests
{
    private static InvalidOperationException Expected(string finishWith) =>
        Assert.Throws<InvalidOperationException>(() => ThrowHelper.ThrowInvalidOperation_MessageInProgress(finishWith));

    [Fact]
    public void The_helper_names_the_API_that_finishes_the_message()
    {
        Assert.Equal(
            "A fragmented message is in progress; finish it with WriteFragmentAsync(endOfMessage: true) first (RFC 6455 §5.4: no other message may start inside it).",
            Expected("WriteFragmentAsync").Message);
    }

    [Fact]
    public void Every_whole_message_write_of_the_encoder_refuses_the_same_way()
    {
        InvalidOperationException expected = Expected(nameof(MessageEncoder.WriteFragment));
        byte[] buffer = new byte[256];
        using var encoder = new MessageEncoder(WebSocketRole.Server);
        Assert.Equal(OperationStatus.Done, encoder.WriteFragment(WebSocketMessageType.Text, "a"u8, endOfMessage: false, buffer, out int _));
        var output = new ArrayBufferWriter<byte>();
        var prepared = new PreparedMessage(WebSocketMessageType.Binary, new byte[] { 1 });

        FrameRulesTests.AssertSame(expected, Assert.Throws<InvalidOperationException>(() => encoder.WriteMessage(WebSocketMessageType.Binary, "b"u8, buffer, out int _)));
        FrameRulesTests.AssertSame(expected, Assert.Throws<InvalidOperationException>(() => encoder.WriteMessage(WebSocketMessageType.Binary, "b"u8, buffer, out _, out _)));
        FrameRulesTests.AssertSame(expected, Assert.Throws<InvalidOperationException>(() => encoder.WriteText("b".AsSpan(), buffer, out int _)));
        FrameRulesTests.AssertSame(expected, Assert.Throws<InvalidOperationException>(() => encoder.WriteMessage(WebSocketMessageType.Binary, "b"u8, output)));
        FrameRulesTests.AssertSame(expected, Assert.Throws<InvalidOperationException>(() => encoder.WriteText("b".AsSpan(), output)));
        FrameRulesTests.AssertSame(expected, Assert.Throws<InvalidOperationException>(() => encoder.SelectFrame(prepared)));
        Assert.Equal(0, output.WrittenCount);

        // Fragments and control frames may still go; the message ends with its last fragment.
        Assert.Equal(OperationStatus.Done, encoder.WritePing(default, buffer, out _));
        Assert.Equal(OperationStatus.Done, encoder.WriteFragment(WebSocketMessageType.Text, "z"u8, endOfMessage: true, buffer, out int _));
        Assert.Equal(OperationStatus.Done, encoder.WriteMessage(WebSocketMessageType.Binary, "b"u8, buffer, out int _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_whole_message_send_of_the_connection_refuses_the_same_way(bool deflate)
    {
        InvalidOperationException expected = Expected(nameof(MessageConnection.WriteFragmentAsync));
        var options = new MessageConnectionOptions { PerMessageDeflate = deflate ? DeflateConnectionTests.Agreed() : null };
        using OurLink link = OurLink.Create(client: options, server: options);
        await link.Server.WriteFragmentAsync(WebSocketMessageType.Text, new byte[] { 0x61 }, endOfMessage: false).Within();

        FrameRulesTests.AssertSame(expected, await Assert.ThrowsAsync<InvalidOperationException>(() => link.Server.WriteMessageAsync(WebSocketMessageType.Binary, new byte[] { 1 }).AsTask()));
        FrameRulesTests.AssertSame(expected, await Assert.ThrowsAsync<InvalidOperationException>(() => link.Server.WriteMessageAsync(WebSocketMessageType.Binary, new byte[40000]).AsTask()));
        FrameRulesTests.AssertSame(expected, await Assert.ThrowsAsync<InvalidOperationException>(() => link.Server.WriteTextAsync("b").AsTask()));
        FrameRulesTests.AssertSame(expected, await Assert.ThrowsAsync<InvalidOperationException>(() => link.Server.WritePreparedAsync(new PreparedMessage(WebSocketMessageType.Binary, new byte[] { 1 })).AsTask()));
        FrameRulesTests.AssertSame(expected, Assert.Throws<InvalidOperationException>(() => link.Server.WriteMessage(WebSocketMessageType.Binary, new byte[] { 1 })));

        // The open message still ends normally, and only it arrives.
        await link.Server.WriteFragmentAsync(WebSocketMessageType.Text, new byte[] { 0x62 }, endOfMessage: true).Within();
        (WebSocketMessageType type, byte[] data) = await Messaging.ReadAsync(link.Client, ReadApi.Message).Within();
        Assert.Equal((WebSocketMessageType.Text, "ab"), (type, System.Text.Encoding.UTF8.GetString(data)));
    }
}

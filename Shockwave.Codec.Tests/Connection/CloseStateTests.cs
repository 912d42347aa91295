using System.Diagnostics;
using System.Net.WebSockets;
using Shockwave.Codec.Tests.Compression;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// The connection's close state as the public API shows it (<see cref="MessageConnection.CloseHandshake"/>,
/// <see cref="MessageConnectionOptions.AutoReplyToClose"/>, a close without a status) and the frame-level members a
/// relay or an adapter uses: <see cref="MessageConnection.PongAsync"/>, the uncompressed
/// <see cref="MessageConnection.WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, bool, CancellationToken)"/>,
/// <see cref="MessageConnection.LastReceivedTimestamp"/> and <see cref="MessageConnection.IsInsideFrame"/>.
/// </summary>
public class CloseStateTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Without_AutoReplyToClose_the_peers_close_is_reported_and_the_reply_is_the_applications()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server, new MessageConnectionOptions { AutoReplyToClose = false });
        await link.Raw.SendAsync(link.Raw.Frame(0x88, WireFrame.ClosePayload(4000, "bye")));

        MessageReadResult read = await link.Ours.ReadMessageIntoAsync(new byte[16]).Within();
        Assert.Equal(WebSocketMessageType.Close, read.MessageType);
        Assert.Equal(WebSocketState.CloseReceived, link.Ours.State);
        Assert.Equal((WebSocketCloseStatus)4000, link.Ours.CloseStatus);
        Assert.Equal("bye", link.Ours.CloseStatusDescription);
        Assert.True(link.Ours.CloseHandshake.IsReplyOwed);

        // Nothing went out yet: the application may still send data, then its own close.
        using (var quiet = new CancellationTokenSource(Quiet))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => link.Raw.ReadFrameAsync(quiet.Token));
        }

        await link.Ours.WriteTextAsync("last words").Within();
        WireFrame? data = await link.Raw.ReadFrameAsync().Within();
        Assert.Equal(Opcode.Text, data!.Opcode);

        // No frame may follow the peer's close (RFC 6455 §5.5.1), so there is nothing left to read.
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.ReadMessageIntoAsync(new byte[16]).AsTask().Within());

        await link.Ours.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "my reply").Within();
        WireFrame reply = await link.Raw.ReadCloseAsync().Within();
        Assert.Equal(1008, reply.CloseCode);
        Assert.Equal("my reply", reply.CloseReason);
        Assert.Equal(WebSocketState.Closed, link.Ours.State);
        Assert.Equal((WebSocketCloseStatus)4000, link.Ours.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, link.Ours.CloseHandshake.SentStatus);
        Assert.Empty(await link.Raw.ReadToEndAsync().Within());
    }

    [Fact]
    public async Task Without_AutoReplyToClose_CloseAsync_after_the_peers_close_answers_and_returns_at_once()
    {
        using OurLink link = OurLink.Create(server: new MessageConnectionOptions { AutoReplyToClose = false });
        Task clientClosing = link.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, "client").AsTask();
        Assert.True((await link.Server.ReadMessageAsync().Within()).IsClose);
        Assert.Equal(WebSocketState.CloseReceived, link.Server.State);
        Assert.False(clientClosing.IsCompleted);

        await link.Server.CloseAsync(WebSocketCloseStatus.NormalClosure, "server").Within();
        Assert.Equal(WebSocketState.Closed, link.Server.State);
        await clientClosing.Within();
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal("server", link.Client.CloseStatusDescription);
        Assert.Equal("client", link.Server.CloseStatusDescription);
    }

    [Fact]
    public async Task The_default_answers_the_peers_close_inside_the_read()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        await link.Raw.SendAsync(link.Raw.Frame(0x88, WireFrame.ClosePayload(4001, "x")));
        Assert.Equal(WebSocketMessageType.Close, (await link.Ours.ReadMessageIntoAsync(new byte[16]).Within()).MessageType);
        Assert.Equal(WebSocketState.Closed, link.Ours.State);
        Assert.Equal(4001, (await link.Raw.ReadCloseAsync().Within()).CloseCode);
        Assert.False(link.Ours.CloseHandshake.IsReplyOwed);
        Assert.True(link.Ours.CloseHandshake.IsComplete);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_close_without_a_status_reads_as_Empty_and_is_echoed_without_one(bool autoReply)
    {
        using OurLink link = OurLink.Create(server: new MessageConnectionOptions { AutoReplyToClose = autoReply });
        await link.Client.CloseOutputAsync(null, null).Within();
        Assert.Equal(WebSocketState.CloseSent, link.Client.State);
        Assert.Equal(WebSocketCloseStatus.Empty, link.Client.CloseStatus);

        Assert.True((await link.Server.ReadMessageAsync().Within()).IsClose);
        Assert.Equal(WebSocketCloseStatus.Empty, link.Server.CloseStatus);
        Assert.Equal(string.Empty, link.Server.CloseStatusDescription);
        if (!autoReply)
        {
            await link.Server.CloseOutputAsync(null, null).Within();
        }

        Assert.Equal(WebSocketState.Closed, link.Server.State);
        Assert.True((await link.Client.ReadMessageAsync().Within()).IsClose);
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal(WebSocketCloseStatus.Empty, link.Client.CloseHandshake.ReceivedStatus);
    }

    [Fact]
    public async Task A_close_without_a_status_takes_no_reason()
    {
        using OurLink link = OurLink.Create();
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.CloseOutputAsync(null, "reason").AsTask());
        Assert.Throws<ArgumentException>(() => link.Client.CloseOutput(null, "reason"));
        Assert.Equal(WebSocketState.Open, link.Client.State);
    }

    [Fact]
    public async Task The_close_handshake_snapshot_tells_both_sides_and_the_failure()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        Assert.Equal(WebSocketState.Open, link.Ours.CloseHandshake.State);

        // A reserved opcode: the connection fails with 1002 after sending its close frame.
        await link.Raw.SendAsync(link.Raw.Frame(0x83, []));
        await Assert.ThrowsAsync<WebSocketProtocolException>(() => link.Ours.ReadMessageIntoAsync(new byte[16]).AsTask().Within());
        Assert.Equal(1002, (await link.Raw.ReadCloseAsync().Within()).CloseCode);

        CloseHandshake close = link.Ours.CloseHandshake;
        Assert.Equal(WebSocketState.Aborted, close.State);
        Assert.True(close.IsCloseSent);
        Assert.False(close.IsCloseReceived);
        Assert.True(close.IsFailed);
        Assert.True(close.IsAborted);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, close.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, link.Ours.CloseStatus);
    }

    [Fact]
    public async Task PongAsync_sends_an_unsolicited_pong_and_nothing_after_our_close()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        await link.Ours.PongAsync("beat"u8.ToArray()).Within();
        await link.Ours.PongAsync().Within();
        WireFrame first = (await link.Raw.ReadFrameAsync().Within())!;
        WireFrame second = (await link.Raw.ReadFrameAsync().Within())!;
        Assert.Equal(Opcode.Pong, first.Opcode);
        Assert.Equal("beat"u8.ToArray(), first.Payload);
        Assert.Equal(Opcode.Pong, second.Opcode);
        Assert.Empty(second.Payload);

        Assert.Throws<ArgumentException>(() => { _ = link.Ours.PongAsync(new byte[126]); });

        await link.Ours.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null).Within();
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.PongAsync().AsTask());
        Assert.Equal(Opcode.Close, (await link.Raw.ReadFrameAsync().Within())!.Opcode);
    }

    [Fact]
    public async Task WriteFragmentAsync_without_compression_sends_the_message_as_it_is()
    {
        var options = new MessageConnectionOptions { PerMessageDeflate = DeflateConnectionTests.Agreed() };
        using RawLink link = RawLink.Create(WebSocketRole.Server, options);
        byte[] text = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"u8.ToArray();

        // An uncompressed message: no RSV1, the bytes as given, whatever later fragments ask for.
        await link.Ours.WriteFragmentAsync(WebSocketMessageType.Text, text, endOfMessage: false, compress: false).Within();
        await link.Ours.WriteFragmentAsync(WebSocketMessageType.Text, text, endOfMessage: true, compress: true).Within();
        WireFrame plainFirst = (await link.Raw.ReadFrameAsync().Within())!;
        WireFrame plainLast = (await link.Raw.ReadFrameAsync().Within())!;
        Assert.False(plainFirst.Header.Rsv1);
        Assert.Equal(text, plainFirst.Payload);
        Assert.False(plainLast.Header.Rsv1);
        Assert.Equal(text, plainLast.Payload);

        // A compressed one: RSV1 on the first frame only (RFC 7692 §6.1), later fragments stay compressed even when
        // they ask otherwise (an uncompressed continuation would corrupt the message).
        await link.Ours.WriteFragmentAsync(WebSocketMessageType.Text, text, endOfMessage: false, compress: true).Within();
        await link.Ours.WriteFragmentAsync(WebSocketMessageType.Text, text, endOfMessage: true, compress: false).Within();
        WireFrame packedFirst = (await link.Raw.ReadFrameAsync().Within())!;
        WireFrame packedLast = (await link.Raw.ReadFrameAsync().Within())!;
        Assert.True(packedFirst.Header.Rsv1);
        Assert.False(packedLast.Header.Rsv1);
        using var decompressor = new PerMessageDeflateDecompressor(options.PerMessageDeflate, WebSocketRole.Client);
        byte[] inflated = DeflateTestKit.Decompress(decompressor, [packedFirst.Payload, packedLast.Payload]);
        Assert.Equal([.. text, .. text], inflated);
    }

    [Fact]
    public async Task LastReceivedTimestamp_moves_when_bytes_arrive_and_only_then()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        long created = link.Ours.LastReceivedTimestamp;
        Assert.True(created <= Stopwatch.GetTimestamp());
        Assert.Equal(created, link.Ours.LastReceivedTimestamp);

        await link.Raw.SendAsync(link.Raw.Frame(0x82, [1, 2, 3]));
        await link.Ours.ReadMessageIntoAsync(new byte[16]).Within();
        long afterRead = link.Ours.LastReceivedTimestamp;
        Assert.True(afterRead > created);
        Assert.Equal(afterRead, link.Ours.LastReceivedTimestamp);
    }

    [Fact]
    public async Task IsInsideFrame_tells_whether_the_last_read_stopped_inside_a_frame()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        Assert.False(link.Ours.IsInsideFrame);
        await link.Raw.SendAsync(link.Raw.Frame(0x02, new byte[100]), link.Raw.Frame(0x80, new byte[5]));

        byte[] buffer = new byte[30];
        MessageReadResult part = await link.Ours.ReadMessageIntoAsync(buffer).Within();
        Assert.Equal(30, part.Count);
        Assert.True(link.Ours.IsInsideFrame);

        int rest = 70;
        while (rest > 0)
        {
            rest -= (await link.Ours.ReadMessageIntoAsync(buffer).Within()).Count;
        }

        Assert.False(link.Ours.IsInsideFrame);
        MessageReadResult last = await link.Ours.ReadMessageIntoAsync(buffer).Within();
        Assert.Equal((5, true), (last.Count, last.EndOfMessage));
        Assert.False(link.Ours.IsInsideFrame);
    }
}

using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>The close handshake (RFC 6455 §5.5.1, §7): waiting for the peer, half-closing, echoing, timing out, cancelling.</summary>
public class CloseHandshakeTests
{
    [Theory]
    [InlineData(TransportKind.Stream)]
    [InlineData(TransportKind.Pipe)]
    public async Task CloseAsync_waits_for_the_peers_close(TransportKind kind)
    {
        using OurLink link = OurLink.Create(kind);
        Task closing = link.Client.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away").AsTask();
        Assert.False(closing.IsCompleted);
        Assert.Equal(WebSocketState.CloseSent, link.Client.State);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, link.Client.CloseStatus);

        WebSocketMessage received = await link.Server.ReadMessageAsync().Within();
        Assert.True(received.IsClose);
        Assert.Equal(WebSocketState.Closed, link.Server.State);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, link.Server.CloseStatus);
        Assert.Equal("going away", link.Server.CloseStatusDescription);

        await closing.Within();
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, link.Client.CloseStatus);
        Assert.Equal(string.Empty, link.Client.CloseStatusDescription);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Theory]
    [InlineData(TransportKind.Stream)]
    [InlineData(TransportKind.Pipe)]
    public async Task CloseAsync_discards_messages_still_arriving(TransportKind kind)
    {
        using OurLink link = OurLink.Create(kind);
        await link.Server.WriteMessageAsync(WebSocketMessageType.Binary, Payloads.Binary(70_000, 1)).Within();
        await link.Server.WriteTextAsync("late").Within();
        await link.Server.PingAsync("p"u8.ToArray()).Within();

        Task closing = link.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, null).AsTask();
        Assert.True((await link.Server.ReadMessageAsync().Within()).IsClose);
        await closing.Within();
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal(WebSocketState.Closed, link.Server.State);
        Assert.Equal(string.Empty, link.Server.CloseStatusDescription);
    }

    [Theory]
    [InlineData(TransportKind.Stream)]
    [InlineData(TransportKind.Pipe)]
    public async Task CloseAsync_with_a_reader_running_lets_the_reader_take_the_reply(TransportKind kind)
    {
        using OurLink link = OurLink.Create(kind);
        Task<WebSocketMessage> reader = link.Client.ReadMessageAsync().AsTask();
        Task closing = link.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done").AsTask();
        Assert.False(closing.IsCompleted);

        await link.Server.WriteTextAsync("one more").Within();
        Assert.Equal("one more", (await reader.Within()).GetText());
        Assert.False(closing.IsCompleted);

        Assert.True((await link.Server.ReadMessageAsync().Within()).IsClose);
        Assert.True((await link.Client.ReadMessageAsync().Within()).IsClose);
        await closing.Within();
        Assert.Equal(WebSocketState.Closed, link.Client.State);
    }

    [Theory]
    [InlineData(TransportKind.Stream)]
    [InlineData(TransportKind.Pipe)]
    public async Task CloseOutputAsync_half_closes_and_reading_goes_on(TransportKind kind)
    {
        using OurLink link = OurLink.Create(kind);
        await link.Client.CloseOutputAsync((WebSocketCloseStatus)4001, "half").Within();
        Assert.Equal(WebSocketState.CloseSent, link.Client.State);
        await Assert.ThrowsAsync<WebSocketException>(() => link.Client.WriteTextAsync("no").AsTask().Within());
        await Assert.ThrowsAsync<WebSocketException>(() => link.Client.PingAsync().AsTask().Within());

        await link.Server.WriteTextAsync("late news").Within();
        Assert.True((await link.Server.ReadMessageAsync().Within()).IsClose);
        Assert.Equal((WebSocketCloseStatus)4001, link.Server.CloseStatus);
        Assert.Equal("half", link.Server.CloseStatusDescription);

        Assert.Equal("late news", (await link.Client.ReadMessageAsync().Within()).GetText());
        Assert.True((await link.Client.ReadMessageAsync().Within()).IsClose);
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal((WebSocketCloseStatus)4001, link.Client.CloseStatus);

        // Closing again after the handshake is harmless.
        await link.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, null).Within();
        await link.Server.CloseAsync(WebSocketCloseStatus.NormalClosure, null).Within();
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal(WebSocketState.Closed, link.Server.State);
    }

    public static TheoryData<WebSocketRole, int?, ReadApi> EchoCases()
    {
        var data = new TheoryData<WebSocketRole, int?, ReadApi>();
        foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
        {
            foreach (int? code in new int?[] { 1000, 1001, 1011, 4001, null })
            {
                data.Add(role, code, ReadApi.Message);
                data.Add(role, code, ReadApi.SyncInto);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EchoCases))]
    public async Task Reply_to_the_peers_close_echoes_its_status(WebSocketRole ourRole, int? code, ReadApi api)
    {
        using RawLink link = RawLink.Create(ourRole);
        byte[] payload = code is int c ? WireFrame.ClosePayload(c, "bye ✓") : [];
        await link.Raw.SendAsync(link.Raw.Frame(0x88, payload)).Within();

        Assert.Equal(WebSocketMessageType.Close, (await Messaging.ReadAsync(link.Ours, api).Within()).Type);
        Assert.Equal(WebSocketState.Closed, link.Ours.State);
        Assert.Equal(code is null ? WebSocketCloseStatus.Empty : (WebSocketCloseStatus)code, link.Ours.CloseStatus);
        Assert.Equal(code is null ? string.Empty : "bye ✓", link.Ours.CloseStatusDescription);

        // RFC 6455 §5.5.1: the reply carries the same status (none for none), then the transport closes.
        WireFrame reply = (await link.Raw.ReadFrameAsync().Within())!;
        Assert.Equal(Opcode.Close, reply.Opcode);
        Assert.Equal(code, reply.CloseCode);
        Assert.Equal(code is null ? 0 : 2, reply.Payload.Length);
        Assert.Equal(ourRole == WebSocketRole.Client, reply.Header.IsMasked);
        Assert.Null(await link.Raw.ReadFrameAsync().Within());
    }

    [Fact]
    public async Task After_our_close_a_ping_gets_no_pong()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        await link.Ours.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye").Within();
        await link.Raw.SendAsync(link.Raw.Frame(0x89, "late ping"u8), link.Raw.Frame(0x88, WireFrame.ClosePayload(1000))).Within();
        Assert.True((await link.Ours.ReadMessageAsync().Within()).IsClose);
        Assert.Equal(WebSocketState.Closed, link.Ours.State);

        // RFC 6455 §5.5.1: nothing after our close frame, not even the pong the ping asked for.
        List<WireFrame> frames = await link.Raw.ReadToEndAsync().Within();
        WireFrame close = Assert.Single(frames);
        Assert.Equal(Opcode.Close, close.Opcode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Close_times_out_when_the_peer_never_answers(bool readerRunning)
    {
        using RawLink link = RawLink.Create(WebSocketRole.Client, new MessageConnectionOptions { CloseTimeout = TimeSpan.FromMilliseconds(100) });
        Task<WebSocketMessage>? reader = readerRunning ? link.Ours.ReadMessageAsync().AsTask() : null;

        await link.Ours.CloseAsync(WebSocketCloseStatus.NormalClosure, "anyone?").Within();
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        if (reader is not null)
        {
            await Assert.ThrowsAsync<WebSocketException>(() => reader.Within());
        }

        WireFrame close = await link.Raw.ReadCloseAsync().Within();
        Assert.Equal(1000, close.CloseCode);
        Assert.Equal("anyone?", close.CloseReason);
        Assert.Null(await link.Raw.ReadFrameAsync().Within());
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Close_cancelled_by_the_caller_aborts(bool readerRunning)
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        Task<WebSocketMessage>? reader = readerRunning ? link.Ours.ReadMessageAsync().AsTask() : null;
        using var cancel = new CancellationTokenSource();
        Task closing = link.Ours.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancel.Token).AsTask();
        Assert.False(closing.IsCompleted);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => closing.Within());
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        if (reader is not null)
        {
            await Assert.ThrowsAsync<WebSocketException>(() => reader.Within());
        }

        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public async Task Invalid_close_arguments_are_refused_and_change_nothing()
    {
        using OurLink link = OurLink.Create();
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.CloseAsync(WebSocketCloseStatus.Empty, null).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.CloseAsync((WebSocketCloseStatus)1006, null).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.CloseAsync((WebSocketCloseStatus)5000, null).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => link.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, new string('x', 124)).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => link.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "\ud800").AsTask());
        Assert.Equal(WebSocketState.Open, link.Client.State);
        Assert.Null(link.Client.CloseStatus);

        await link.Client.WriteTextAsync("still open").Within();
        Assert.Equal("still open", (await link.Server.ReadMessageAsync().Within()).GetText());
    }
}

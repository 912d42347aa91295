using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>Keep-alive: we ping an idle peer, and abort one that stays silent past the keep-alive timeout.</summary>
public class KeepAliveTests
{
    private static MessageConnectionOptions KeepAlive(TimeSpan timeout) => new()
    {
        KeepAliveInterval = TimeSpan.FromMilliseconds(30),
        KeepAliveTimeout = timeout,
    };

    [Theory]
    [InlineData(TransportKind.Stream, true)]
    [InlineData(TransportKind.Stream, false)]
    [InlineData(TransportKind.Pipe, true)]
    [InlineData(TransportKind.Pipe, false)]
    public async Task A_peer_that_never_answers_is_aborted(TransportKind kind, bool readerRunning)
    {
        // Our server never reads, so it never answers the client's pings.
        using OurLink link = OurLink.Create(kind, client: KeepAlive(TimeSpan.FromMilliseconds(150)));
        Task<WebSocketMessage>? reader = readerRunning ? link.Client.ReadMessageAsync().AsTask() : null;

        await TestTimeout.Until(() => link.Client.State == WebSocketState.Aborted, "the keep-alive to abort the silent peer");
        if (reader is not null)
        {
            await Assert.ThrowsAsync<WebSocketException>(() => reader.Within());
        }

        // The server finds no message on the wire, only pings and then the end of the stream.
        var frames = new List<WebSocketMessage>();
        await Assert.ThrowsAsync<WebSocketException>(async () =>
        {
            while (true)
            {
                frames.Add(await link.Server.ReadMessageAsync().Within());
            }
        });
        Assert.Empty(frames);
    }

    [Theory]
    [InlineData(TransportKind.Stream, WebSocketRole.Client)]
    [InlineData(TransportKind.Pipe, WebSocketRole.Server)]
    public async Task A_peer_that_answers_keeps_the_connection_open(TransportKind kind, WebSocketRole ourRole)
    {
        using ManagedLink link = ManagedLink.Create(kind, ourRole, KeepAlive(TimeSpan.FromSeconds(20)));

        // Both sides keep a read running, as keep-alive expects: ours takes the pongs, theirs answers the pings.
        Task<WebSocketMessage> ours = link.Ours.ReadMessageAsync().AsTask();
        Task<(WebSocketMessageType, byte[])> theirs = Messaging.ReceiveAsync(link.Theirs);
        await TestTimeout.Until(() => link.FramesTheySent().Count(f => f.Opcode == Opcode.Pong) >= 3, "three pings answered");
        Assert.All(link.FramesWeSent(), f => Assert.Equal(Opcode.Ping, f.Opcode));
        Assert.Equal(WebSocketState.Open, link.Ours.State);
        Assert.Equal(WebSocketState.Open, link.Theirs.State);

        await link.Theirs.SendAsync("still here"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).Within();
        Assert.Equal("still here", (await ours.Within()).GetText());
        await link.Ours.WriteTextAsync("me too").Within();
        Assert.Equal("me too"u8.ToArray(), (await theirs.Within()).Item2);
        await ManagedWebSocketInteropTests.CloseCleanlyAsync(link);
    }

    [Fact]
    public async Task An_infinite_timeout_pings_but_never_aborts()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server, KeepAlive(Timeout.InfiniteTimeSpan));
        Task<WebSocketMessage> reader = link.Ours.ReadMessageAsync().AsTask();
        WireFrame ping = (await link.Raw.ReadFrameAsync().Within())!;
        Assert.Equal(Opcode.Ping, ping.Opcode);

        // Many keep-alive periods without an answer. (This can only miss a bug on a very slow machine, never fail a
        // correct build: a wrong abort shows within one or two periods.)
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Equal(WebSocketState.Open, link.Ours.State);

        // Once the peer speaks, keep-alive carries on with the next ping.
        await link.Raw.SendAsync(link.Raw.Frame(0x81, "hi"u8)).Within();
        Assert.Equal("hi", (await reader.Within()).GetText());
        Task<WebSocketMessage> next = link.Ours.ReadMessageAsync().AsTask();
        Assert.Equal(Opcode.Ping, (await link.Raw.ReadFrameAsync().Within())!.Opcode);
        await link.Raw.SendAsync(link.Raw.Frame(0x88, WireFrame.ClosePayload(1000))).Within();
        Assert.True((await next.Within()).IsClose);
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_connection_is_made()
    {
        (DuplexStream a, DuplexStream b) = DuplexStream.Create(1024);
        using (b)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new MessageConnection(a, new MessageConnectionOptions { KeepAliveInterval = TimeSpan.FromSeconds(-1) }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MessageConnection(a, new MessageConnectionOptions { KeepAliveTimeout = TimeSpan.Zero }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MessageConnection(a, new MessageConnectionOptions { CloseTimeout = TimeSpan.FromSeconds(-2) }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MessageConnection(a, new MessageConnectionOptions { MaxMessageSize = -1 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MessageConnection(a, new MessageConnectionOptions { MaxFragments = 0 }));
            Assert.Throws<ArgumentNullException>(() => new MessageConnection((Stream)null!));
            Assert.Throws<ArgumentNullException>(() => new MessageConnection((System.IO.Pipelines.IDuplexPipe)null!));
            Assert.False(a.IsDisposed);
        }
    }
}

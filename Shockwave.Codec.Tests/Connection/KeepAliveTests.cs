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
}

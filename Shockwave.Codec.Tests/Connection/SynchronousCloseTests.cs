using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// The blocking twins <see cref="MessageConnection.Close"/> and <see cref="MessageConnection.CloseOutput"/>: the same
/// close handshake as the asynchronous ones, in memory and over a real loopback socket pair.
/// </summary>
public class SynchronousCloseTests
{
    [Fact]
    public async Task Close_waits_for_the_peers_close_and_ends_Closed()
    {
        using OurLink link = OurLink.Create();
        Task closing = Task.Factory.StartNew(() => link.Client.Close(WebSocketCloseStatus.EndpointUnavailable, "going away"), TaskCreationOptions.LongRunning);
        await TestTimeout.Until(() => link.Client.State == WebSocketState.CloseSent, "the client's close to go out");
        Assert.False(closing.IsCompleted);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, link.Client.CloseStatus);

        WebSocketMessage received = link.Server.ReadMessage();
        Assert.True(received.IsClose);
        Assert.Equal("going away", link.Server.CloseStatusDescription);
        Assert.Equal(WebSocketState.Closed, link.Server.State);

        await closing.Within();
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, link.Client.CloseStatus);
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public void CloseOutput_half_closes_then_reading_completes_the_handshake()
    {
        using OurLink link = OurLink.Create();
        link.Client.CloseOutput((WebSocketCloseStatus)4001, "half");
        Assert.Equal(WebSocketState.CloseSent, link.Client.State);
        Assert.Equal("half", link.Client.CloseHandshake.SentStatusDescription);
        Assert.Throws<WebSocketException>(() => link.Client.WriteMessage(WebSocketMessageType.Text, "no"u8));

        // A second close does nothing: one close frame per connection.
        link.Client.CloseOutput(WebSocketCloseStatus.NormalClosure, "again");
        Assert.Equal("half", link.Client.CloseHandshake.SentStatusDescription);

        link.Server.WriteMessage(WebSocketMessageType.Text, "still coming"u8);
        Assert.True(link.Server.ReadMessage().IsClose);
        Assert.Equal(WebSocketState.Closed, link.Server.State);

        Assert.Equal("still coming", link.Client.ReadMessage().GetText());
        Assert.True(link.Client.ReadMessage().IsClose);
        Assert.Equal(WebSocketState.Closed, link.Client.State);
        Assert.Equal((WebSocketCloseStatus)4001, link.Client.CloseStatus);
    }

    [Fact]
    public void CloseOutput_answers_a_close_left_to_the_application()
    {
        using OurLink link = OurLink.Create(server: new MessageConnectionOptions { AutoReplyToClose = false });
        link.Client.CloseOutput(WebSocketCloseStatus.NormalClosure, "client");
        Assert.True(link.Server.ReadMessage().IsClose);
        Assert.Equal(WebSocketState.CloseReceived, link.Server.State);

        link.Server.CloseOutput(null, null);
        Assert.Equal(WebSocketState.Closed, link.Server.State);
        Assert.True(link.Client.ReadMessage().IsClose);
        Assert.Equal(WebSocketCloseStatus.Empty, link.Client.CloseStatus);
    }

    [Fact]
    public void Close_after_the_peers_close_only_answers_it()
    {
        using OurLink link = OurLink.Create(server: new MessageConnectionOptions { AutoReplyToClose = false });
        link.Client.CloseOutput(WebSocketCloseStatus.NormalClosure, null);
        Assert.True(link.Server.ReadMessage().IsClose);
        link.Server.Close(WebSocketCloseStatus.NormalClosure, "done");
        Assert.Equal(WebSocketState.Closed, link.Server.State);
        Assert.Equal("done", link.Server.CloseHandshake.SentStatusDescription);
    }

    [Fact]
    public void Close_gives_up_after_the_close_timeout_when_the_peer_never_answers()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server, new MessageConnectionOptions { CloseTimeout = TimeSpan.FromMilliseconds(200) });
        link.Ours.Close(WebSocketCloseStatus.NormalClosure, "hello?");
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        Assert.True(link.Ours.CloseHandshake.IsCloseSent);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, link.Ours.CloseStatus);
    }

    [Fact]
    public async Task Close_with_a_reader_running_lets_the_reader_take_the_peers_close()
    {
        (DuplexStream clientStream, DuplexStream serverStream) = DuplexStream.Create();
        using var client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client });
        using var server = new MessageConnection(serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server });
        Task<WebSocketMessage> reader = Task.Factory.StartNew(() => client.ReadMessage(), TaskCreationOptions.LongRunning);
        await TestTimeout.Until(() => clientStream.IsReadPending, "the client's reader to wait");
        Task closing = Task.Factory.StartNew(() => client.Close(WebSocketCloseStatus.NormalClosure, "bye"), TaskCreationOptions.LongRunning);

        Assert.True((await server.ReadMessageAsync().Within()).IsClose);
        Assert.True((await reader.Within()).IsClose);
        await closing.Within();
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketState.Closed, server.State);
    }

    [Fact]
    public async Task A_protocol_error_on_a_blocking_read_sends_the_close_and_records_it_as_the_async_path_does()
    {
        using RawLink link = RawLink.Create(WebSocketRole.Server);
        await link.Raw.SendAsync(link.Raw.Frame(0x81, [0xFF])).Within();
        WebSocketProtocolException ex = Assert.Throws<WebSocketProtocolException>(() => link.Ours.ReadMessageInto(new byte[16]));
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, ex.CloseStatus);

        CloseHandshake close = link.Ours.CloseHandshake;
        Assert.True(close.IsCloseSent);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, close.SentStatus);
        Assert.True(close.IsFailed);
        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        Assert.Equal(1007, (await link.Raw.ReadCloseAsync().Within()).CloseCode);
    }

    [Fact]
    public void A_pipe_has_no_blocking_close()
    {
        using OurLink link = OurLink.Create(TransportKind.Pipe);
        Assert.Throws<NotSupportedException>(() => link.Client.Close(WebSocketCloseStatus.NormalClosure, null));
        Assert.Throws<NotSupportedException>(() => link.Client.CloseOutput(WebSocketCloseStatus.NormalClosure, null));
        Assert.Equal(WebSocketState.Open, link.Client.State);
    }

    [Fact]
    public async Task Over_loopback_sockets_Close_and_a_blocking_reader_finish_the_handshake()
    {
        (NetworkStream clientStream, NetworkStream serverStream) = await LoopbackTcp.ConnectStreamsAsync();
        using var client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client });
        using var server = new MessageConnection(serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server });

        client.WriteMessage(WebSocketMessageType.Text, "over tcp"u8);
        Task<(string Text, bool Closed)> serverSide = Task.Factory.StartNew(
            () =>
            {
                string text = server.ReadMessage().GetText();
                return (text, server.ReadMessage().IsClose);
            },
            TaskCreationOptions.LongRunning);

        Task closing = Task.Factory.StartNew(() => client.Close(WebSocketCloseStatus.NormalClosure, "tcp bye"), TaskCreationOptions.LongRunning);
        (string received, bool closed) = await serverSide.Within();
        await closing.Within();

        Assert.Equal("over tcp", received);
        Assert.True(closed);
        Assert.Equal(WebSocketState.Closed, server.State);
        Assert.Equal("tcp bye", server.CloseStatusDescription);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseHandshake.ReceivedStatus);
    }

    [Fact]
    public async Task Over_loopback_sockets_both_sides_closing_at_once_end_Closed()
    {
        (NetworkStream clientStream, NetworkStream serverStream) = await LoopbackTcp.ConnectStreamsAsync();
        using var client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client });
        using var server = new MessageConnection(serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server });

        // Both close frames cross on the wire (RFC 6455 §7.1.3 allows it): each side's read then completes its handshake.
        client.CloseOutput(WebSocketCloseStatus.NormalClosure, "from client");
        server.CloseOutput(WebSocketCloseStatus.EndpointUnavailable, "from server");
        Task<bool> clientRead = Task.Factory.StartNew(() => client.ReadMessage().IsClose, TaskCreationOptions.LongRunning);
        Task<bool> serverRead = Task.Factory.StartNew(() => server.ReadMessage().IsClose, TaskCreationOptions.LongRunning);
        Assert.True(await clientRead.Within());
        Assert.True(await serverRead.Within());

        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketState.Closed, server.State);
        Assert.Equal("from server", client.CloseStatusDescription);
        Assert.Equal("from client", server.CloseStatusDescription);
    }
}

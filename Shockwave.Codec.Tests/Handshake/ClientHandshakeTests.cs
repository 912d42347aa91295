using System.Buffers;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Handshake;

public class ClientHandshakeTests
{
    private static string Accept(ClientHandshake handshake) => WebSocketAccept.Compute(handshake.Key);

    private static OperationStatus Feed(ClientHandshake handshake, string response, int chunk = int.MaxValue, byte[]? trailing = null) =>
        Feed(handshake, [.. Encoding.ASCII.GetBytes(response), .. trailing ?? []], chunk, out _);

    private static OperationStatus Feed(ClientHandshake handshake, byte[] bytes, int chunk, out int position)
    {
        position = 0;
        OperationStatus status = OperationStatus.NeedMoreData;
        while (position < bytes.Length && status == OperationStatus.NeedMoreData)
        {
            int size = Math.Min(chunk, bytes.Length - position);
            status = handshake.ReadResponse(bytes.AsSpan(position, size), out int consumed);
            position += consumed;
        }

        return status;
    }

    [Fact]
    public void Request_has_every_required_field()
    {
        var handshake = new ClientHandshake(new Uri("ws://example.com:9001/chat?room=1"), new ClientHandshakeOptions
        {
            SubProtocols = ["chat", "superchat"],
            Extensions = "permessage-deflate",
            Origin = "http://example.com",
            Headers = [new("Authorization", "Bearer x")],
        });
        string request = Encoding.ASCII.GetString(handshake.CreateRequest());
        Assert.StartsWith("GET /chat?room=1 HTTP/1.1\r\n", request);
        Assert.Contains("Host: example.com:9001\r\n", request);
        Assert.Contains("Upgrade: websocket\r\n", request);
        Assert.Contains("Connection: Upgrade\r\n", request);
        Assert.Contains("Sec-WebSocket-Key: " + handshake.Key + "\r\n", request);
        Assert.Contains("Sec-WebSocket-Version: 13\r\n", request);
        Assert.Contains("Origin: http://example.com\r\n", request);
        Assert.Contains("Sec-WebSocket-Protocol: chat, superchat\r\n", request);
        Assert.Contains("Sec-WebSocket-Extensions: permessage-deflate\r\n", request);
        Assert.Contains("Authorization: Bearer x\r\n", request);
        Assert.EndsWith("\r\n\r\n", request);
        Assert.True(WebSocketAccept.IsValidKey(Encoding.ASCII.GetBytes(handshake.Key)));

        // What we write, our server accepts.
        var server = new ServerHandshake(new ServerHandshakeOptions { SubProtocols = ["superchat"] });
        Assert.Equal(OperationStatus.Done, server.ReadRequest(handshake.CreateRequest(), out _));
        Assert.Equal(OperationStatus.Done, handshake.ReadResponse(server.CreateResponse(), out _));
        Assert.Equal("superchat", handshake.SubProtocol);
    }

    [Theory]
    [InlineData("ws://h/", "Host: h\r\n")]
    [InlineData("ws://h:80/", "Host: h\r\n")]
    [InlineData("wss://h:443/", "Host: h\r\n")]
    [InlineData("wss://h:80/", "Host: h:80\r\n")]
    [InlineData("ws://[::1]:9001/", "Host: [::1]:9001\r\n")]
    [InlineData("ws://h", "GET / HTTP/1.1\r\n")]
    public void Host_and_target(string uri, string expected)
    {
        Assert.Contains(expected, Encoding.ASCII.GetString(new ClientHandshake(new Uri(uri)).CreateRequest()));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("http://h/")));
        Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("ws://h/"), new ClientHandshakeOptions { SubProtocols = ["a b"] }));
        Assert.Throws<ArgumentException>(() => new ClientHandshake(new Uri("ws://h/"), new ClientHandshakeOptions { Headers = [new("X", "a\r\nInjected: 1")] }));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void Valid_response_is_accepted_in_any_pieces_and_frames_after_it_are_left(int chunk)
    {
        var handshake = new ClientHandshake(new Uri("ws://h/"), new ClientHandshakeOptions { SubProtocols = ["chat"], Extensions = "permessage-deflate; client_max_window_bits" });
        string response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {Accept(handshake)}\r\nSec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n";
        byte[] frame = [0x81, 0x00];
        OperationStatus status = Feed(handshake, [.. Encoding.ASCII.GetBytes(response), .. frame], chunk, out int position);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(response.Length, position);
        Assert.Equal("chat", handshake.SubProtocol);
        Assert.Equal("permessage-deflate; server_no_context_takeover", handshake.Extensions);
        Assert.Equal(101, handshake.StatusCode);
    }

    [Fact]
    public void Responses_that_break_rfc6455_are_refused()
    {
        var h = new ClientHandshake(new Uri("ws://h/"), new ClientHandshakeOptions { SubProtocols = ["chat"] });
        string ok = $"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {Accept(h)}\r\n";

        Check(h, "HTTP/1.1 200 OK\r\n" + ok + "\r\n", HandshakeError.UnexpectedStatus, 200);
        Check(h, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + Accept(h) + "\r\n\r\n", HandshakeError.MissingUpgrade, 101);
        Check(h, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " + Accept(h) + "\r\n\r\n", HandshakeError.MissingConnectionUpgrade, 101);
        Check(h, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", HandshakeError.InvalidAccept, 101);
        Check(h, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", HandshakeError.InvalidAccept, 101);
        Check(h, "HTTP/1.1 101 Switching Protocols\r\n" + ok + "Sec-WebSocket-Protocol: other\r\n\r\n", HandshakeError.UnexpectedSubProtocol, 101);
        Check(h, "HTTP/1.1 101 Switching Protocols\r\n" + ok + "Sec-WebSocket-Protocol: chat, chat\r\n\r\n", HandshakeError.UnexpectedSubProtocol, 101);
        Check(h, "HTTP/1.1 101 Switching Protocols\r\n" + ok + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", HandshakeError.UnexpectedExtension, 101);
        Check(h, "HTTP/1.0 101 Switching Protocols\r\n" + ok + "\r\n", HandshakeError.MalformedStartLine, 0);
        Check(h, "HTTP/1.1 1010 X\r\n" + ok + "\r\n", HandshakeError.MalformedStartLine, 0);
    }

    [Fact]
    public void Status_line_version_follows_the_rfc9112_grammar()
    {
        var h = new ClientHandshake(new Uri("ws://h/"), new ClientHandshakeOptions { SubProtocols = ["chat"] });
        string ok = $"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {Accept(h)}\r\n";
        Check(h, "HTTP/1.01 101 Switching Protocols\r\n" + ok + "\r\n", HandshakeError.MalformedStartLine, 0);
        Check(h, "HTTP/01.1 101 Switching Protocols\r\n" + ok + "\r\n", HandshakeError.MalformedStartLine, 0);
    }

    [Fact]
    public void Refusal_of_a_head_too_large_is_final()
    {
        // Found by the handshake-response fuzz harness: after HeadTooLarge an empty read answered NeedMoreData (the
        // head never completes, and completion was what made the answer final).
        var handshake = new ClientHandshake(new Uri("ws://h/"), new ClientHandshakeOptions { MaxHeadSize = 64 });
        byte[] response = Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        Assert.Equal(OperationStatus.InvalidData, handshake.ReadResponse(response, out int consumed));
        Assert.Equal(64, consumed);
        Assert.Equal(HandshakeError.HeadTooLarge, handshake.Error);

        Assert.Equal(OperationStatus.InvalidData, handshake.ReadResponse(default, out consumed));
        Assert.Equal(0, consumed);
        Assert.Equal(OperationStatus.InvalidData, handshake.ReadResponse(response.AsSpan(64), out consumed));
        Assert.Equal(0, consumed);
        Assert.Equal(HandshakeError.HeadTooLarge, handshake.Error);
    }

    private static void Check(ClientHandshake template, string response, HandshakeError error, int statusCode)
    {
        // A fresh handshake with the same key is not possible, so rebuild the response for a new one when it embeds the accept.
        var handshake = new ClientHandshake(new Uri("ws://h/"), new ClientHandshakeOptions { SubProtocols = ["chat"] });
        string adapted = response.Replace(WebSocketAccept.Compute(template.Key), Accept(handshake));
        Assert.Equal(OperationStatus.InvalidData, Feed(handshake, adapted));
        Assert.Equal(error, handshake.Error);
        Assert.Equal(statusCode, handshake.StatusCode);
    }
}

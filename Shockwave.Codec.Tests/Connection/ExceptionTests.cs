using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// <see cref="WebSocketException"/> is sealed, so the library's own exceptions cannot derive from it; they report a
/// <see cref="WebSocketError"/> and carry a <see cref="WebSocketException"/> with it instead.
/// </summary>
public class ExceptionTests
{
    [Fact]
    public void WebSocketException_is_sealed()
    {
        // If this ever fails, the two exceptions below should derive from WebSocketException instead.
        Assert.True(typeof(WebSocketException).IsSealed);
    }

    [Fact]
    public void Protocol_exception_reports_faulted()
    {
        var ex = new WebSocketProtocolException(WebSocketCloseStatus.ProtocolError, "bad", DecodeError.InvalidFrameHeader);
        Assert.Equal(WebSocketError.Faulted, ex.WebSocketErrorCode);
        Assert.Equal(WebSocketError.Faulted, Assert.IsType<WebSocketException>(ex.InnerException).WebSocketErrorCode);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, ex.CloseStatus);
        Assert.Equal("bad", ex.Reason);
        Assert.Equal(DecodeError.InvalidFrameHeader, ex.Error);
    }

    [Theory]
    [InlineData(HandshakeError.UnsupportedVersion, WebSocketError.UnsupportedVersion)]
    [InlineData(HandshakeError.UnexpectedSubProtocol, WebSocketError.UnsupportedProtocol)]
    [InlineData(HandshakeError.UnexpectedStatus, WebSocketError.NotAWebSocket)]
    [InlineData(HandshakeError.MissingUpgrade, WebSocketError.NotAWebSocket)]
    [InlineData(HandshakeError.MethodNotGet, WebSocketError.NotAWebSocket)]
    [InlineData(HandshakeError.OriginRejected, WebSocketError.NotAWebSocket)]
    [InlineData(HandshakeError.InvalidKey, WebSocketError.HeaderError)]
    [InlineData(HandshakeError.InvalidAccept, WebSocketError.HeaderError)]
    [InlineData(HandshakeError.HeadTooLarge, WebSocketError.HeaderError)]
    public void Handshake_exception_reports_the_closest_websocket_error(HandshakeError error, WebSocketError expected)
    {
        var ex = new WebSocketHandshakeException(error, 400);
        Assert.Equal(expected, ex.WebSocketErrorCode);
        Assert.Equal(expected, Assert.IsType<WebSocketException>(ex.InnerException).WebSocketErrorCode);
        Assert.Equal(error, ex.Error);
        Assert.Equal(400, ex.StatusCode);
    }
}

using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

// ShockwaveWebSocket's share of the throw helpers. They create rather than throw: the WebSocket API reports state
// errors through the returned task, so most call sites hand the exception to Task.FromException.
internal static partial class ThrowHelper
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static WebSocketException CreateWebSocketInvalidState(WebSocketState state, WebSocketState[] validStates, Exception? innerException) =>
        new(WebSocketError.InvalidState, $"The WebSocket is {state}; this operation needs it to be {string.Join(" or ", validStates)}.", innerException);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static WebSocketException CreateWebSocketTransportGone() =>
        new(WebSocketError.ConnectionClosedPrematurely, "The connection's stream failed or was closed before the close handshake.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ArgumentOutOfRangeException CreateArgumentOutOfRange_KeepAliveInterval(TimeSpan keepAliveInterval) =>
        new("keepAliveInterval", keepAliveInterval, "The keep-alive interval must be zero or more, or Timeout.InfiniteTimeSpan.");
}

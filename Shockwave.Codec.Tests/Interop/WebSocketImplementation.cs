using System.Net.WebSockets;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>The two <see cref="WebSocket"/> implementations the adapter suites compare.</summary>
public enum WebSocketImplementation
{
    /// <summary>.NET's own, from <c>WebSocket.CreateFromStream</c>: the reference.</summary>
    Managed,

    /// <summary><see cref="ShockwaveWebSocket"/>, from <c>ShockwaveWebSocket.CreateFromStream</c>.</summary>
    Shockwave,
}

using System.Net;
using System.Net.Sockets;

namespace Shockwave.Codec.Tests;

/// <summary>
/// A loopback port that refuses connections for as long as this lives: a socket bound to it that never listens.
/// </summary>
/// <remarks>
/// Closing a probe listener and reusing its number is not enough: a test running in parallel that binds port 0 can be
/// given the same number in between, and the "unreachable" connect then reaches its server. A bound socket keeps the
/// number out of the kernel's choice, and with no listener behind it a connect is answered with a reset.
/// </remarks>
internal sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket;

    public RefusingPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}

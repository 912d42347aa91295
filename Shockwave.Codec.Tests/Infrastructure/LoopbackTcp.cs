using System.Net;
using System.Net.Sockets;

namespace Shockwave.Codec.Tests;

/// <summary>A connected pair of TCP sockets on 127.0.0.1, for tests whose behaviour is about real sockets.</summary>
internal static class LoopbackTcp
{
    /// <summary>Connects a client to a one-off listener and returns both ends, Nagle off on each.</summary>
    public static async Task<(TcpClient Client, TcpClient Server)> ConnectAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient { NoDelay = true };
        Task<TcpClient> accepting = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).Within();
        TcpClient server = await accepting.Within();
        server.NoDelay = true;
        return (client, server);
    }

    /// <summary>As <see cref="ConnectAsync"/>, as the two ends' streams (each owns its socket).</summary>
    public static async Task<(NetworkStream Client, NetworkStream Server)> ConnectStreamsAsync()
    {
        (TcpClient client, TcpClient server) = await ConnectAsync();
        return (client.GetStream(), server.GetStream());
    }
}

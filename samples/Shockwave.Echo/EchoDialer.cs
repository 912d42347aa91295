using System.Net.Sockets;
using Shockwave.Codec;

namespace Shockwave.Echo;

/// <summary>Opens a client connection: TCP to the address in a ws:// URI, then the opening handshake.</summary>
internal static class EchoDialer
{
    /// <summary>Connects and upgrades.</summary>
    /// <param name="uri">A ws:// address; its path goes in the request.</param>
    /// <param name="options">The connection's options (its role is client).</param>
    /// <param name="cancellationToken">Cancels the connect and the handshake.</param>
    /// <param name="deflate">The permessage-deflate offer, or <see langword="null"/> for none.</param>
    /// <returns>The open connection, which owns the socket.</returns>
    /// <exception cref="SocketException">The TCP connect failed.</exception>
    /// <exception cref="WebSocketHandshakeException">The server refused the upgrade.</exception>
    public static async Task<MessageConnection> ConnectAsync(Uri uri, MessageConnectionOptions options, CancellationToken cancellationToken, PerMessageDeflateOptions? deflate = null)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(uri.Host, uri.Port < 0 ? 80 : uri.Port, cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            return await WebSocketHandshake.ConnectAsync(stream, uri, deflate is null ? null : new ClientHandshakeOptions { PerMessageDeflate = deflate }, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

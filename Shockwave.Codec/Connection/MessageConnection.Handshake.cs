namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    /// <summary>The subprotocol agreed in the opening handshake, or <see langword="null"/>.</summary>
    public string? SubProtocol => _negotiated?.SubProtocol;

    /// <summary>The extensions agreed in the opening handshake (the Sec-WebSocket-Extensions value), or <see langword="null"/>.</summary>
    public string? Extensions => _negotiated?.Extensions;

    /// <summary>
    /// Creates a connection over a stream whose opening handshake the caller ran itself, for example with the sans-I/O
    /// <see cref="ServerHandshake"/> or <see cref="ClientHandshake"/>: any bytes that arrived after the handshake's head
    /// are the first WebSocket frames and must not be lost.
    /// </summary>
    /// <param name="stream">The upgraded transport stream.</param>
    /// <param name="options">Role, limits and buffers; <see langword="null"/> for a server with the defaults. The role must match the handshake's side.</param>
    /// <param name="initialData">Bytes received after the handshake's head (those <c>ReadRequest</c>/<c>ReadResponse</c> did not consume); copied.</param>
    /// <param name="subProtocol">The subprotocol agreed in the handshake, reported by <see cref="SubProtocol"/>, or <see langword="null"/>.</param>
    /// <param name="extensions">The Sec-WebSocket-Extensions value agreed, reported by <see cref="Extensions"/>, or <see langword="null"/>.</param>
    /// <returns>The open connection, whose first read starts with <paramref name="initialData"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    public static MessageConnection CreateAfterHandshake(Stream stream, MessageConnectionOptions? options, ReadOnlySpan<byte> initialData, string? subProtocol, string? extensions)
    {
        var connection = new MessageConnection(stream, options);
        if (subProtocol is not null || extensions is not null)
        {
            connection._negotiated = new Negotiated(subProtocol, extensions);
        }

        connection._receive.Seed(initialData, connection.Pool);
        return connection;
    }
}

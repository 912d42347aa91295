using System.Buffers;

namespace Shockwave.Codec;

/// <summary>
/// Runs the opening handshake over a connected stream and returns the <see cref="MessageConnection"/>: the one-call
/// path from a raw TCP (or TLS) stream to messages, for either role.
/// </summary>
/// <remarks>
/// <code>
/// using TcpClient tcp = await listener.AcceptTcpClientAsync();
/// await using MessageConnection connection = await WebSocketHandshake.AcceptAsync(tcp.GetStream());
/// </code>
/// </remarks>
public static class WebSocketHandshake
{
    private const int ReadSize = 4096;

    /// <summary>Reads an upgrade request from <paramref name="stream"/>, answers it and, when accepted, returns the server-side connection.</summary>
    /// <param name="stream">A connected stream whose first bytes are the client's HTTP request.</param>
    /// <param name="handshakeOptions">Limits, subprotocols, origin and extension hooks; its permessage-deflate policy decides compression.</param>
    /// <param name="connectionOptions">Options of the connection; its role is forced to server and its permessage-deflate set to what was agreed.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The open connection; bytes that followed the request are its first frames.</returns>
    /// <exception cref="WebSocketHandshakeException">The request was refused; the error response was sent.</exception>
    public static async Task<MessageConnection> AcceptAsync(Stream stream, ServerHandshakeOptions? handshakeOptions = null, MessageConnectionOptions? connectionOptions = null, CancellationToken cancellationToken = default)
    {
        if (stream is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.stream);
        }

        var handshake = new ServerHandshake(handshakeOptions);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer, 0, ReadSize, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new WebSocketHandshakeException(HandshakeError.MalformedStartLine, 0);
                }

                var status = handshake.ReadRequest(buffer.AsSpan(0, read), out int consumed);
                if (status == OperationStatus.NeedMoreData)
                {
                    continue;
                }

                byte[] response = handshake.CreateResponse();
                await stream.WriteAsync(response, 0, response.Length, cancellationToken).ConfigureAwait(false);

                // Flushed either way: over a buffering stream the client would otherwise wait for the 101 for ever.
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (status != OperationStatus.Done)
                {
                    throw new WebSocketHandshakeException(handshake.Error, handshake.StatusCode);
                }

                MessageConnectionOptions options = WithRole(connectionOptions, WebSocketRole.Server).WithPerMessageDeflate(handshake.PerMessageDeflate);
                return MessageConnection.CreateAfterHandshake(stream, options, buffer.AsSpan(consumed, read - consumed), handshake.SubProtocol, handshake.Extensions);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends an upgrade request over <paramref name="stream"/> and, when the server accepts, returns the client-side connection.</summary>
    /// <param name="stream">A stream connected to the server (TLS already set up for wss).</param>
    /// <param name="uri">The ws or wss address.</param>
    /// <param name="handshakeOptions">Subprotocols, extensions (a permessage-deflate offer among them) and headers to send.</param>
    /// <param name="connectionOptions">Options of the connection; its role is forced to client and its permessage-deflate set to what was agreed.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The open connection; bytes that followed the response are its first frames.</returns>
    /// <exception cref="WebSocketHandshakeException">The server refused, or its response is invalid.</exception>
    public static async Task<MessageConnection> ConnectAsync(Stream stream, Uri uri, ClientHandshakeOptions? handshakeOptions = null, MessageConnectionOptions? connectionOptions = null, CancellationToken cancellationToken = default)
    {
        if (stream is null)
        {
            ThrowHelper.ThrowArgumentNull(ExceptionArgument.stream);
        }

        var handshake = new ClientHandshake(uri, handshakeOptions);
        byte[] request = handshake.CreateRequest();
        await stream.WriteAsync(request, 0, request.Length, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            while (true)
            {
                int read = await stream.ReadAsync(buffer, 0, ReadSize, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new WebSocketHandshakeException(HandshakeError.MalformedStartLine, 0);
                }

                var status = handshake.ReadResponse(buffer.AsSpan(0, read), out int consumed);
                if (status == OperationStatus.NeedMoreData)
                {
                    continue;
                }

                if (status != OperationStatus.Done)
                {
                    throw new WebSocketHandshakeException(handshake.Error, handshake.StatusCode);
                }

                MessageConnectionOptions options = WithRole(connectionOptions, WebSocketRole.Client).WithPerMessageDeflate(handshake.PerMessageDeflate);
                return MessageConnection.CreateAfterHandshake(stream, options, buffer.AsSpan(consumed, read - consumed), handshake.SubProtocol, handshake.Extensions);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static MessageConnectionOptions WithRole(MessageConnectionOptions? options, WebSocketRole role) =>
        (options ?? new MessageConnectionOptions().FreezeOwn()).WithRole(role);
}

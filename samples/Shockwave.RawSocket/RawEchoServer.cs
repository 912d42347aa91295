using System.Buffers;
using System.Net.Sockets;
using System.Net.WebSockets;
using Shockwave.Codec;

namespace Shockwave.RawSocket;

/// <summary>
/// A WebSocket echo server driven by the sans-I/O layer alone over a raw <see cref="Socket"/>: <see cref="ServerHandshake"/>
/// reads the upgrade request, <see cref="MessageDecoder"/> turns received bytes into message chunks and control frames,
/// <see cref="MessageEncoder"/> turns the answers into frames. Every message comes back with its type, chunk by chunk as
/// it arrives (so a 64 MiB message streams through 64 KiB buffers), pings are answered, a close is echoed, and a peer
/// that breaks the protocol gets the close code the decoder names. permessage-deflate (RFC 7692) is accepted when a client
/// offers it: the decoder inflates and the encoder compresses, so this loop does not change. This is all a custom
/// transport needs.
/// </summary>
internal static class RawEchoServer
{
    // The receive buffer and the destination of decoded payloads; a frame of any size streams through them.
    private const int BufferSize = 64 * 1024;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private enum Outcome
    {
        Continue,
        NeedMoreData,
        Closed,
    }

    /// <summary>Accepts connections on <paramref name="listener"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task RunAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
            {
                return;
            }

            _ = ServeAsync(socket);
        }
    }

    private static async Task ServeAsync(Socket socket)
    {
        socket.NoDelay = true;
        byte[] received = ArrayPool<byte>.Shared.Rent(BufferSize);
        byte[] payload = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            (int start, int end, PerMessageDeflateOptions? deflate) = await HandshakeAsync(socket, received).ConfigureAwait(false);
            if (end < 0)
            {
                return;
            }

            await EchoAsync(socket, received, start, end, payload, deflate).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer vanished or stalled: nothing is left to answer.
        }
        finally
        {
            socket.Dispose();
            ArrayPool<byte>.Shared.Return(received);
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    // Reads the upgrade request and answers it: 101 with the agreed permessage-deflate parameters (RFC 7692), or the
    // refusal the handshake chose (400, 403, 405, 426, 431). Returns where the first frames start in the buffer, or an
    // end of -1 when there is no WebSocket connection.
    private static async Task<(int Start, int End, PerMessageDeflateOptions? Deflate)> HandshakeAsync(Socket socket, byte[] buffer)
    {
        var handshake = new ServerHandshake(new ServerHandshakeOptions { PerMessageDeflate = new PerMessageDeflateOptions() });
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return (0, -1, null);
            }

            OperationStatus status = handshake.ReadRequest(buffer.AsSpan(0, read), out int consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                continue;
            }

            await SendAllAsync(socket, handshake.CreateResponse()).ConfigureAwait(false);
            if (status != OperationStatus.Done)
            {
                socket.Shutdown(SocketShutdown.Both);
                return (0, -1, null);
            }

            // RFC 6455 §4.1: bytes after the request's head are already frames.
            return (consumed, read, handshake.PerMessageDeflate);
        }
    }

    private static async Task EchoAsync(Socket socket, byte[] received, int start, int end, byte[] payload, PerMessageDeflateOptions? deflate)
    {
        // With deflate agreed (deflate not null) each owns its zlib state, released by Dispose.
        using var decoder = new MessageDecoder(new MessageDecoderOptions { Role = WebSocketRole.Server, PerMessageDeflate = deflate });
        using var encoder = new MessageEncoder(new MessageEncoderOptions { Role = WebSocketRole.Server, PerMessageDeflate = deflate });
        byte[] frame = ArrayPool<byte>.Shared.Rent(checked((int)encoder.GetMaxFrameLength(BufferSize)));
        try
        {
            while (true)
            {
                Outcome outcome = Decode(decoder, encoder, received.AsSpan(start, end - start), payload, frame, out int consumed, out int frameOffset, out int frameLength);
                start += consumed;
                if (frameLength > 0)
                {
                    await SendAllAsync(socket, frame.AsMemory(frameOffset, frameLength)).ConfigureAwait(false);
                }

                if (outcome == Outcome.Closed)
                {
                    await CloseTcpAsync(socket, received).ConfigureAwait(false);
                    return;
                }

                if (outcome == Outcome.NeedMoreData)
                {
                    // Keep the bytes the decoder has not consumed (a partial header or control frame) and read more.
                    received.AsSpan(start, end - start).CopyTo(received);
                    end -= start;
                    start = 0;
                    int read = await socket.ReceiveAsync(received.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return; // The peer went away without a close frame.
                    }

                    end += read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    // One step of the protocol, without I/O: decodes the next unit and writes the frame it obliges us to send.
    private static Outcome Decode(MessageDecoder decoder, MessageEncoder encoder, Span<byte> received, byte[] payload, byte[] frame, out int consumed, out int frameOffset, out int frameLength)
    {
        frameOffset = frameLength = 0;
        DecodeResult result = decoder.DecodeInto(received, payload, out consumed);
        Span<byte> data = result.GetPayload(received, payload);
        switch (result.Kind)
        {
            case DecodeResultKind.NeedMoreData:
                return Outcome.NeedMoreData;
            case DecodeResultKind.MessageData:
                // Each chunk goes back as a fragment of a message of the same type (compressed or not as the encoder
                // decides, its header written in front of the compressed bytes: hence the offset); an empty chunk that
                // does not end the message has nothing to send (RFC 6455 §5.4 lets the fragments differ from the peer's).
                if (!data.IsEmpty || result.EndOfMessage)
                {
                    encoder.WriteFragment(result.MessageType, data, result.EndOfMessage, frame, out frameOffset, out frameLength);
                }

                return Outcome.Continue;
            case DecodeResultKind.Ping:
                // RFC 6455 §5.5.3: a pong with the ping's payload, even between the fragments of a message.
                encoder.WritePong(data, frame, out frameLength);
                return Outcome.Continue;
            case DecodeResultKind.Pong:
                return Outcome.Continue;
            case DecodeResultKind.Close:
                // RFC 6455 §5.5.1: answer a close with a close, echoing its status (none if it had none).
                if (result.CloseStatus is { } status)
                {
                    encoder.WriteClose(status, ReadOnlySpan<byte>.Empty, frame, out frameLength);
                }
                else
                {
                    encoder.WriteEmptyClose(frame, out frameLength);
                }

                return Outcome.Closed;
            default:
                // The peer broke the protocol: the decoder names the code (1002, 1007, 1008 or 1009, RFC 6455 §7.4.1).
                encoder.WriteClose(result.CloseStatus ?? WebSocketCloseStatus.ProtocolError, result.Error.ToString(), frame, out frameLength);
                return Outcome.Closed;
        }
    }

    // RFC 6455 §7.1.1: the server closes the TCP connection first. Shutting down our sending side and draining what the
    // peer still sends (bounded in time) before closing keeps the kernel from answering unread bytes with a reset,
    // which could destroy our close frame in flight.
    private static async Task CloseTcpAsync(Socket socket, byte[] scratch)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(DrainTimeout);
        while (await socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
        {
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data.Slice(await socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false));
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using Shockwave.Codec;

namespace Shockwave.Echo;

internal sealed partial class EchoServer
{
    // The HTTP head is read in pieces of this size (the handshake itself refuses heads over 8 KiB with 431).
    private const int HeadReadSize = 4096;

    private async Task RunSessionAsync(Session session)
    {
        EchoSessionRecord record;
        var stream = new NetworkStream(session.Socket, ownsSocket: true);
        try
        {
            record = await ServeAsync(session, stream).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A server must outlive any one connection's failure; the failure is reported, not lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            record = session.Record(EchoOutcome.Aborted, detail: ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or WebSocketException
                ? ex.Message
                : ex.ToString());
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        Log(Describe(record));
        try
        {
            SessionEnded?.Invoke(record);
        }
        finally
        {
            Leave(session);
        }
    }

    private async Task<EchoSessionRecord> ServeAsync(Session session, NetworkStream stream)
    {
        using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        handshakeTimeout.CancelAfter(_options.HandshakeTimeout);
        CancellationToken token = handshakeTimeout.Token;

        var handshake = new ServerHandshake(new ServerHandshakeOptions { PerMessageDeflate = _options.PerMessageDeflate });
        MessageConnection connection;
        byte[] head = ArrayPool<byte>.Shared.Rent(HeadReadSize);
        try
        {
            int read;
            int consumed;
            OperationStatus status;
            do
            {
                try
                {
                    read = await stream.ReadAsync(head.AsMemory(0, HeadReadSize), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return session.Record(EchoOutcome.Aborted, detail: _stopping.IsCancellationRequested ? "server stopping during the handshake" : "no request within the handshake timeout");
                }

                if (read == 0)
                {
                    return session.Record(EchoOutcome.Aborted, detail: "closed before a complete request");
                }

                status = handshake.ReadRequest(head.AsSpan(0, read), out consumed);
            }
            while (status == OperationStatus.NeedMoreData);

            session.Target = handshake.Request?.Target;
            if (status != OperationStatus.Done)
            {
                // Not an upgrade: a plain GET is a browser asking for the page; anything else is refused as the handshake says.
                if (handshake.Request is { Method: "GET" } request && request.GetHeader("Upgrade") is null)
                {
                    bool found = EchoHttp.IsPagePath(request.Target);
                    session.HttpStatus = found ? 200 : 404;
                    await stream.WriteAsync(found ? EchoHttp.PageResponse : EchoHttp.NotFoundResponse, token).ConfigureAwait(false);
                    await CloseGracefullyAsync(session.Socket, stream, token).ConfigureAwait(false);
                    return session.Record(found ? EchoOutcome.Page : EchoOutcome.NotFound);
                }

                session.HttpStatus = handshake.StatusCode;
                await stream.WriteAsync(handshake.CreateResponse(), token).ConfigureAwait(false);
                await CloseGracefullyAsync(session.Socket, stream, token).ConfigureAwait(false);
                return session.Record(EchoOutcome.Refused, detail: handshake.Error.ToString());
            }

            session.HttpStatus = 101;
            await stream.WriteAsync(handshake.CreateResponse(), token).ConfigureAwait(false);

            // RFC 6455 §4.1: a client waits for the 101 before sending frames, but bytes after the head are frames all the same.
            connection = MessageConnection.CreateAfterHandshake(stream, CreateConnectionOptions(handshake.PerMessageDeflate), head.AsSpan(consumed, read - consumed), handshake.SubProtocol, handshake.Extensions);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }

        return await EchoAsync(session, connection).ConfigureAwait(false);
    }

    private MessageConnectionOptions CreateConnectionOptions(PerMessageDeflateOptions? agreed) => new()
    {
        Role = WebSocketRole.Server,
        PerMessageDeflate = agreed,
        MaxMessageSize = _options.MaxMessageSize,
        KeepAliveInterval = _options.KeepAliveInterval,
    };

    private async Task<EchoSessionRecord> EchoAsync(Session session, MessageConnection connection)
    {
        session.Connection = connection;
        int open = Interlocked.Increment(ref _open);
        Log($"#{session.Id} {session.Remote} open {session.Target} ({open} open)");
        if (_stopping.IsCancellationRequested)
        {
            // Shutdown began while this handshake finished: the shutdown's sweep may have missed it.
            _ = CloseForShutdownAsync(connection);
        }

        try
        {
            await EchoPump.RunAsync(connection, session.Counters).ConfigureAwait(false);
            return session.Record(EchoOutcome.Closed, connection.CloseStatus, connection.CloseStatusDescription);
        }
        catch (WebSocketProtocolException ex)
        {
            // The library already sent the close frame with the right code (1002, 1007, 1008, 1009) and closed.
            return session.Record(EchoOutcome.ProtocolError, ex.CloseStatus, ex.Reason, ex.Error.ToString());
        }
        catch (WebSocketException ex)
        {
            return session.Record(EchoOutcome.Aborted, detail: ex.Message);
        }
        finally
        {
            session.Connection = null;
            Interlocked.Decrement(ref _open);
            connection.Dispose();
        }
    }

    private static async Task CloseGracefullyAsync(Socket socket, NetworkStream stream, CancellationToken cancellationToken)
    {
        // Half-close and wait (briefly) for the peer to close too: closing with unread bytes would send a reset that
        // can destroy the response before the peer has read it.
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linger.CancelAfter(TimeSpan.FromSeconds(2));
            byte[] scratch = ArrayPool<byte>.Shared.Rent(1024);
            try
            {
                while (await stream.ReadAsync(scratch.AsMemory(0, 1024), linger.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The response is out; how the peer closes does not matter.
        }
    }

    private static string Describe(EchoSessionRecord record)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"#{record.Id} {record.Remote}");
        string traffic = string.Create(CultureInfo.InvariantCulture, $"after {record.Messages} message(s), {record.Bytes} B");
        return record.Outcome switch
        {
            EchoOutcome.Page => $"{prefix} GET {record.Target} -> 200 page",
            EchoOutcome.NotFound => $"{prefix} GET {record.Target} -> 404",
            EchoOutcome.Refused => $"{prefix} refused {record.HttpStatus} ({record.Detail})",
            EchoOutcome.Closed => $"{prefix} closed {(int?)record.CloseStatus} '{record.CloseDescription}' {traffic}",
            EchoOutcome.ProtocolError => $"{prefix} protocol error ({record.Detail}): closed with {(int?)record.CloseStatus} '{record.CloseDescription}' {traffic}",
            _ => $"{prefix} aborted: {record.Detail} {traffic}",
        };
    }

    /// <summary>One accepted connection, as the server tracks it.</summary>
    private sealed class Session(long id, Socket socket)
    {
        private MessageConnection? _connection;

        public long Id { get; } = id;

        public Socket Socket { get; } = socket;

        public string Remote { get; } = socket.RemoteEndPoint?.ToString() ?? "?";

        public string? Target { get; set; }

        public int HttpStatus { get; set; }

        public EchoCounters Counters { get; } = new();

        public MessageConnection? Connection
        {
            get => Volatile.Read(ref _connection);
            set => Volatile.Write(ref _connection, value);
        }

        public void Abort()
        {
            Connection?.Abort();
            Socket.Dispose();
        }

        public EchoSessionRecord Record(EchoOutcome outcome, WebSocketCloseStatus? closeStatus = null, string? closeDescription = null, string? detail = null) =>
            new(Id, Remote, Target, outcome, HttpStatus, closeStatus, closeDescription, Counters.Messages, Counters.Bytes, detail);
    }
}

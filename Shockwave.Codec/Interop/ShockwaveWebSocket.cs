using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// A <see cref="WebSocket"/> over <see cref="MessageConnection"/>: a drop-in replacement for the instance that
/// <c>WebSocket.CreateFromStream</c> returns, so that code written against <see cref="WebSocket"/> switches by changing
/// the one line that creates it.
/// </summary>
/// <remarks>
/// <para>
/// Everything a caller of <see cref="WebSocket"/> can observe follows .NET's own implementation: the state machine
/// (<see cref="WebSocketState.CloseReceived"/> is reported and the application sends the reply with
/// <see cref="CloseOutputAsync"/> or <see cref="CloseAsync"/>), <see cref="CloseStatus"/> holding the peer's status,
/// receives that return when the buffer is full or a frame ends, concurrent receives and sends that queue, a cancelled
/// receive that aborts the socket, keep-alive (unsolicited pongs, or with a timeout counted pings), and the exception
/// types and <see cref="WebSocketError"/> codes of each failure.
/// </para>
/// <para>
/// Where .NET sends what RFC 6455 forbids, this type does not: <see cref="WebSocketCloseStatus.Empty"/> sends a close
/// frame without a status code (rather than the code 1005), and status codes that may never be sent (1004, 1016–2999,
/// 5000 and above) are refused with <see cref="ArgumentException"/>; and where .NET tolerates what RFC 6455 forbids (a
/// frame length not in its shortest form) this type fails the connection. A peer that breaks the protocol gets the
/// close code .NET would send (1007 rather than 1002 for a close reason that is not UTF-8), with a reason naming the
/// broken rule, and the transport is closed at once; the <see cref="WebSocketException"/>
/// (<see cref="WebSocketError.Faulted"/>) carries a <see cref="WebSocketProtocolException"/> as its inner exception.
/// An empty non-final fragment produces no receive result. permessage-deflate is taken from
/// <c>WebSocketCreationOptions.DangerousDeflateOptions</c> (not on netstandard2.0, whose API has no such option).
/// </para>
/// <code>
/// // was: WebSocket socket = WebSocket.CreateFromStream(stream, isServer: true, subProtocol: null, TimeSpan.FromSeconds(30));
/// WebSocket socket = ShockwaveWebSocket.CreateFromStream(stream, isServer: true, subProtocol: null, TimeSpan.FromSeconds(30));
/// </code>
/// </remarks>
public sealed partial class ShockwaveWebSocket : WebSocket
{
    private static readonly WebSocketState[] s_receiveStates = [WebSocketState.Open, WebSocketState.CloseSent];
    private static readonly WebSocketState[] s_sendStates = [WebSocketState.Open, WebSocketState.CloseReceived];
    private static readonly WebSocketState[] s_closeOutputStates = [WebSocketState.Open, WebSocketState.CloseReceived];
    private static readonly WebSocketState[] s_closeStates = [WebSocketState.Open, WebSocketState.CloseReceived, WebSocketState.CloseSent];

    // Without compression every socket of a role has the same settings: one frozen object each, shared.
    private static readonly MessageConnectionOptions s_serverOptions = CreateOptions(WebSocketRole.Server, null).FreezeOwn();
    private static readonly MessageConnectionOptions s_clientOptions = CreateOptions(WebSocketRole.Client, null).FreezeOwn();

    private readonly MessageConnection _connection;
    private readonly string? _subProtocol;

    // The state is the connection's close handshake (which close frames crossed), except where .NET's rules differ
    // from a connection's: Dispose gives Closed, Abort and a failed receive give Aborted, and a close frame that failed
    // to go out leaves the state as it was. Those verdicts are pinned here (0: none, the state is derived).
    private int _pinnedState;
    private int _disposed;

    private ShockwaveWebSocket(Stream stream, bool isServer, string? subProtocol, TimeSpan keepAliveInterval, TimeSpan keepAliveTimeout, PerMessageDeflateOptions? deflate = null)
    {
        _subProtocol = subProtocol;
        MessageConnectionOptions options = deflate is null
            ? (isServer ? s_serverOptions : s_clientOptions)
            : CreateOptions(isServer ? WebSocketRole.Server : WebSocketRole.Client, deflate).FreezeOwn();
        _connection = new MessageConnection(stream, options);
        StartKeepAlive(keepAliveInterval, keepAliveTimeout);
    }

    private static MessageConnectionOptions CreateOptions(WebSocketRole role, PerMessageDeflateOptions? deflate) => new()
    {
        Role = role,

        // WebSocket callers stream messages through their own buffers, and .NET sets no size limits.
        MaxMessageSize = long.MaxValue,
        MaxFragments = int.MaxValue,

        // Keep-alive is this type's own (ShockwaveWebSocket.KeepAlive.cs), to behave as .NET's does.
        KeepAliveInterval = TimeSpan.Zero,

        // System.Net.WebSockets reports the peer's close and lets the application choose the reply.
        AutoReplyToClose = false,

        PerMessageDeflate = deflate,
    };

    /// <summary>The state of the WebSocket, with the transitions of <c>WebSocket.CreateFromStream</c>'s implementation.</summary>
    /// <value>
    /// <see cref="WebSocketState.Open"/>; <see cref="WebSocketState.CloseSent"/> after our close frame;
    /// <see cref="WebSocketState.CloseReceived"/> after the peer's; <see cref="WebSocketState.Closed"/> once both
    /// crossed or after <see cref="Dispose"/>; <see cref="WebSocketState.Aborted"/> after <see cref="Abort"/>, a
    /// cancelled receive, or a failed receive.
    /// </value>
    public override WebSocketState State
    {
        get
        {
            int pinned = Volatile.Read(ref _pinnedState);
            return pinned != 0 ? (WebSocketState)pinned : GetHandshakeState(_connection.CloseHandshake);
        }
    }

    /// <summary>The status of the peer's close frame (<see cref="WebSocketCloseStatus.NormalClosure"/> when it carried none), or <see langword="null"/> until one arrived.</summary>
    public override WebSocketCloseStatus? CloseStatus =>
        // The connection reports a close frame without a status as Empty (1005); .NET reports NormalClosure.
        _connection.CloseHandshake.ReceivedStatus is WebSocketCloseStatus status
            ? status == WebSocketCloseStatus.Empty ? WebSocketCloseStatus.NormalClosure : status
            : null;

    /// <summary>The reason in the peer's close frame (empty when it carried none), or <see langword="null"/> until one arrived.</summary>
    public override string? CloseStatusDescription => _connection.CloseHandshake.ReceivedStatusDescription;

    /// <summary>The subprotocol agreed in the opening handshake, as given when the socket was created.</summary>
    public override string? SubProtocol => _subProtocol;

    /// <summary>
    /// Creates a WebSocket over a stream on which the opening handshake is done, like
    /// <c>WebSocket.CreateFromStream(Stream, bool, string, TimeSpan)</c>.
    /// </summary>
    /// <param name="stream">The connected, readable and writable stream; the socket owns it and disposes it.</param>
    /// <param name="isServer">Whether this end accepted the connection (it then sends unmasked frames and expects masked ones).</param>
    /// <param name="subProtocol">The agreed subprotocol, or <see langword="null"/>.</param>
    /// <param name="keepAliveInterval">How often to send an unsolicited pong as a heartbeat; <see cref="TimeSpan.Zero"/> or <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <returns>The WebSocket, open.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot both read and write, or <paramref name="subProtocol"/> is not a valid token.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepAliveInterval"/> is negative and not infinite.</exception>
#if NETSTANDARD2_0
    public static ShockwaveWebSocket CreateFromStream(Stream stream, bool isServer, string? subProtocol, TimeSpan keepAliveInterval)
#else
    // Hides WebSocket.CreateFromStream on purpose: the same call on this type gives this implementation.
    public static new ShockwaveWebSocket CreateFromStream(Stream stream, bool isServer, string? subProtocol, TimeSpan keepAliveInterval)
#endif
    {
        ValidateStream(stream);
        if (subProtocol is not null)
        {
            ValidateSubProtocol(subProtocol);
        }

        if (keepAliveInterval != Timeout.InfiniteTimeSpan && keepAliveInterval < TimeSpan.Zero)
        {
            throw ThrowHelper.CreateArgumentOutOfRange_KeepAliveInterval(keepAliveInterval);
        }

        return new ShockwaveWebSocket(stream, isServer, subProtocol, keepAliveInterval, Timeout.InfiniteTimeSpan);
    }

#if !NETSTANDARD2_0
    /// <summary>
    /// Creates a WebSocket over a stream on which the opening handshake is done, like
    /// <c>WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)</c>.
    /// </summary>
    /// <param name="stream">The connected, readable and writable stream; the socket owns it and disposes it.</param>
    /// <param name="options">
    /// Role, subprotocol, keep-alive and permessage-deflate. <see cref="WebSocketCreationOptions.DangerousDeflateOptions"/>
    /// are the parameters the handshake agreed, as for .NET's own implementation; every message is then compressed
    /// unless sent with <see cref="WebSocketMessageFlags.DisableCompression"/>. With a keep-alive timeout (.NET 9 and later) the socket pings and aborts a
    /// peer that stays silent for longer; without one it sends unsolicited pongs.
    /// </param>
    /// <returns>The WebSocket, open.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot both read and write.</exception>
    public static new ShockwaveWebSocket CreateFromStream(Stream stream, WebSocketCreationOptions options)
    {
        ValidateStream(stream);
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        PerMessageDeflateOptions? deflate = null;
        if (options.DangerousDeflateOptions is WebSocketDeflateOptions agreed)
        {
            // ManagedWebSocket compresses every message (MinimumCompressSize 0); its window limits are 9..15 like ours.
            deflate = new PerMessageDeflateOptions
            {
                ClientMaxWindowBits = agreed.ClientMaxWindowBits,
                ServerMaxWindowBits = agreed.ServerMaxWindowBits,
                ClientContextTakeover = agreed.ClientContextTakeover,
                ServerContextTakeover = agreed.ServerContextTakeover,
                MinimumCompressSize = 0,
            };
        }

#if NET9_0_OR_GREATER
        TimeSpan keepAliveTimeout = options.KeepAliveTimeout;
#else
        TimeSpan keepAliveTimeout = Timeout.InfiniteTimeSpan;
#endif
        return new ShockwaveWebSocket(stream, options.IsServer, options.SubProtocol, options.KeepAliveInterval, keepAliveTimeout, deflate);
    }
#endif

    /// <summary>
    /// Aborts the connection at once, without a close handshake: the state becomes <see cref="WebSocketState.Aborted"/>
    /// (unless already closed), the stream is disposed, and pending operations fail with <see cref="OperationCanceledException"/>.
    /// </summary>
    public override void Abort()
    {
        OnAborted();
        Dispose();
    }

    /// <summary>
    /// Releases the connection and disposes the stream; a socket neither closed nor aborted becomes
    /// <see cref="WebSocketState.Closed"/>, and a pending receive fails with <see cref="WebSocketError.ConnectionClosedPrematurely"/>.
    /// </summary>
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The state changes first, so that an operation woken by the stream's disposal sees why.
        Pin(WebSocketState.Closed);
        StopKeepAlive();
        _connection.Dispose();
    }

    private void OnAborted() => Pin(WebSocketState.Aborted);

    // Pins .NET's verdict: Aborted unless already closed or aborted; Closed unless aborted; any other state (the one
    // before a close frame failed to go out) only when nothing is pinned yet.
    private void Pin(WebSocketState state)
    {
        while (true)
        {
            int pinned = Volatile.Read(ref _pinnedState);
            WebSocketState current = State;
            bool keep = state switch
            {
                WebSocketState.Aborted => current is WebSocketState.Closed or WebSocketState.Aborted,
                WebSocketState.Closed => current == WebSocketState.Aborted,
                _ => pinned != 0,
            };
            if (keep || Interlocked.CompareExchange(ref _pinnedState, (int)state, pinned) == pinned)
            {
                return;
            }
        }
    }

    // .NET's state machine over the close frames alone; whether the connection is down is not part of it.
    private static WebSocketState GetHandshakeState(CloseHandshake close) =>
        close.IsCloseSent
            ? close.IsCloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent
            : close.IsCloseReceived ? WebSocketState.CloseReceived : WebSocketState.Open;

    private bool IsCloseSent => _connection.CloseHandshake.IsCloseSent;

    private bool IsCloseReceived => _connection.CloseHandshake.IsCloseReceived;

    private void ThrowIfInvalidState(WebSocketState[] validStates)
    {
        WebSocketState state = State;
        if (Array.IndexOf(validStates, state) < 0)
        {
            // After a keep-alive timeout the reason travels as the inner exception, as in .NET.
            throw ThrowHelper.CreateWebSocketInvalidState(state, validStates, state == WebSocketState.Aborted ? _keepAliveFailure : null);
        }
    }

    // The connection went down under an open socket (a failed send or a keep-alive timeout closed the transport):
    // what .NET reports when it next touches a dead stream.
    private bool IsTransportGone => _connection.State is WebSocketState.Aborted or WebSocketState.Closed;

    private static void ValidateStream(Stream stream)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        if (!stream.CanRead || !stream.CanWrite)
        {
            throw new ArgumentException(stream.CanRead ? "The stream is not writable." : "The stream is not readable.", nameof(stream));
        }
    }

    // RFC 6455 §4.1: a subprotocol is an RFC 2616 token, printable US-ASCII without separators.
    private static void ValidateSubProtocol(string subProtocol)
    {
        if (subProtocol.Trim().Length == 0)
        {
            throw new ArgumentException("A subprotocol cannot be empty or white space.", nameof(subProtocol));
        }

        foreach (char c in subProtocol)
        {
            if (c < '!' || c > '~' || "()<>@,;:\\\"/[]?={}".IndexOf(c) >= 0)
            {
                throw new ArgumentException($"The subprotocol '{subProtocol}' holds the character U+{(int)c:X4}, which a token may not contain.", nameof(subProtocol));
            }
        }
    }
}

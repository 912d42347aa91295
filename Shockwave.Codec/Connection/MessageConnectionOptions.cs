using System.Buffers;

namespace Shockwave.Codec;

/// <summary>Settings of a <see cref="MessageConnection"/>. Every limit has a safe default.</summary>
public sealed class MessageConnectionOptions
{
    /// <summary>This endpoint's role: a client masks what it sends and refuses masked frames; a server the reverse (RFC 6455 §5.1).</summary>
    public WebSocketRole Role { get => _role; init => _role = value; }

    private WebSocketRole _role = WebSocketRole.Server;

    // The same settings for the other role: the handshake helpers force the role they negotiated.
    internal MessageConnectionOptions WithRole(WebSocketRole role)
    {
        if (role == _role)
        {
            return this;
        }

        var copy = (MessageConnectionOptions)MemberwiseClone();
        copy._role = role;
        return copy;
    }

    /// <summary>The largest message accepted, in bytes; a larger one closes the connection with 1009 before its payload is read.</summary>
    public long MaxMessageSize { get; init; } = MessageDecoderOptions.DefaultMaxMessageSize;

    /// <summary>The largest single frame accepted; by default the maximum message size.</summary>
    public long? MaxFrameSize { get; init; }

    /// <summary>The largest number of frames in one message; more close the connection with 1008.</summary>
    public int MaxFragments { get; init; } = MessageDecoderOptions.DefaultMaxFragments;

    /// <summary>Whether received text is checked to be UTF-8 (RFC 6455 §8.1 requires it; on by default). Invalid text closes with 1007.</summary>
    public bool ValidateUtf8 { get; init; } = true;

    /// <summary>
    /// How often to ping an idle peer; <see cref="TimeSpan.Zero"/> (the default) or <see cref="Timeout.InfiniteTimeSpan"/>
    /// turns keep-alive off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How long to wait for any frame after a keep-alive ping before the peer is taken for dead and the connection
    /// aborted; <see cref="Timeout.InfiniteTimeSpan"/> pings without ever aborting.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <see cref="MessageConnection.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus, string?, CancellationToken)"/>
    /// waits for the peer's close frame before aborting (and how long a failing connection tries to send its close
    /// frame); <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether the peer's close frame is answered at once with a close frame echoing its status (RFC 6455 §5.5.1; on
    /// by default, and the handshake then completes inside the read that reports the close). When <see langword="false"/>
    /// the read reports the close and leaves the connection <see cref="System.Net.WebSockets.WebSocketState.CloseReceived"/>:
    /// the application sends the reply itself, with the status it chooses, through
    /// <see cref="MessageConnection.CloseOutputAsync"/> or <see cref="MessageConnection.CloseAsync"/>, as
    /// System.Net.WebSockets does. Until then it may still send data; RFC 6455 §5.5.1 asks it to reply soon.
    /// </summary>
    public bool AutoReplyToClose { get; init; } = true;

    /// <summary>The pool every buffer is rented from and returned to.</summary>
    public ArrayPool<byte> BufferPool { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>The largest receive buffer class (the buffer grows to it for big frames and shrinks back); at least 256 bytes.</summary>
    public int MaxReceiveBufferSize { get; init; } = BufferSizeClass.Largest;

    /// <summary>
    /// Whether to wait for data with a zero-byte read while idle, holding no receive buffer meanwhile. <see langword="null"/>
    /// (the default) turns it on for transports known to support it (sockets, TLS streams, pipes).
    /// </summary>
    public bool? UseZeroByteReads { get; init; }

    /// <summary>Whether disposing the connection also disposes the stream or completes the pipe (the default).</summary>
    public bool OwnsTransport { get; init; } = true;

    /// <summary>
    /// The permessage-deflate parameters agreed in the opening handshake (RFC 7692), or <see langword="null"/> (the
    /// default) when the extension is off. When set, received messages with RSV1 are inflated (the
    /// <see cref="MaxMessageSize"/> then counts inflated bytes) and sent messages of at least
    /// <see cref="PerMessageDeflateOptions.MinimumCompressSize"/> bytes are compressed.
    /// <see cref="WebSocketHandshake.AcceptAsync"/> and <see cref="WebSocketHandshake.ConnectAsync"/> set it from the
    /// negotiation; set it yourself only with parameters your own handshake agreed.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get => _perMessageDeflate; init => _perMessageDeflate = value; }

    private PerMessageDeflateOptions? _perMessageDeflate;

    // The same settings with the parameters a handshake agreed (null: the extension was not agreed).
    internal MessageConnectionOptions WithPerMessageDeflate(PerMessageDeflateOptions? agreed)
    {
        if (ReferenceEquals(agreed, _perMessageDeflate))
        {
            return this;
        }

        var copy = (MessageConnectionOptions)MemberwiseClone();
        copy._perMessageDeflate = agreed;
        return copy;
    }

    internal void Validate()
    {
        if (KeepAliveInterval < TimeSpan.Zero && KeepAliveInterval != Timeout.InfiniteTimeSpan)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.keepAliveInterval);
        }

        if (KeepAliveTimeout <= TimeSpan.Zero && KeepAliveTimeout != Timeout.InfiniteTimeSpan)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.keepAliveTimeout);
        }

        if (CloseTimeout < TimeSpan.Zero && CloseTimeout != Timeout.InfiniteTimeSpan)
        {
            ThrowHelper.ThrowArgumentOutOfRange(ExceptionArgument.closeTimeout);
        }
    }

    internal MessageDecoderOptions ToDecoderOptions() => new()
    {
        Role = Role,
        MaxMessageSize = MaxMessageSize,
        MaxFrameSize = MaxFrameSize,
        MaxFragments = MaxFragments,
        ValidateUtf8 = ValidateUtf8,

        // RFC 7692 §6: once permessage-deflate is agreed, RSV1 marks a compressed message.
        AllowedReservedBits = PerMessageDeflate is null ? ReservedBits.None : ReservedBits.Rsv1,
    };
}

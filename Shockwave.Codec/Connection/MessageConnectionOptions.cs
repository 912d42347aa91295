using System.Buffers;

namespace Shockwave.Codec;

/// <summary>Settings of a <see cref="MessageConnection"/>. Every limit has a safe default.</summary>
/// <remarks>
/// <para>
/// Every property can be set, so the options can be bound or configured in place (for example with
/// <c>services.Configure&lt;MessageConnectionOptions&gt;(o =&gt; ...)</c>). A connection takes a snapshot of the values
/// when it is made and never sees later changes; all connections made from an unchanged options object share one
/// snapshot, so the options cost an open connection nothing of its own.
/// </para>
/// <para>
/// The options may be read and used to make connections from many threads at once; as with any object, setting a
/// property while another thread makes a connection gives that connection either the old value or the new one.
/// </para>
/// </remarks>
public sealed class MessageConnectionOptions
{
    private WebSocketRole _role = WebSocketRole.Server;
    private long _maxMessageSize = MessageDecoderOptions.DefaultMaxMessageSize;
    private long? _maxFrameSize;
    private int _maxFragments = MessageDecoderOptions.DefaultMaxFragments;
    private bool _validateUtf8 = true;
    private TimeSpan _keepAliveInterval = TimeSpan.Zero;
    private TimeSpan _keepAliveTimeout = TimeSpan.FromSeconds(30);
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);
    private bool _autoReplyToClose = true;
    private ArrayPool<byte> _bufferPool = ArrayPool<byte>.Shared;
    private int _maxReceiveBufferSize = BufferSizeClass.Largest;
    private bool? _useZeroByteReads;
    private bool _ownsTransport = true;
    private PerMessageDeflateOptions? _perMessageDeflate;

    // Snapshot bookkeeping: every setter bumps _version; _snapshot caches the frozen copy made at some version (a
    // snapshot's own _version is the version it was made at). A frozen object is a snapshot and refuses setters.
    private int _version;
    private bool _frozen;
    private MessageConnectionOptions? _snapshot;

    /// <summary>This endpoint's role: a client masks what it sends and refuses masked frames; a server the reverse (RFC 6455 §5.1).</summary>
    public WebSocketRole Role { get => _role; set => Set(ref _role, value); }

    /// <summary>The largest message accepted, in bytes; a larger one closes the connection with 1009 before its payload is read.</summary>
    public long MaxMessageSize { get => _maxMessageSize; set => Set(ref _maxMessageSize, value); }

    /// <summary>
    /// The largest single frame accepted, in bytes. Until set it reads as <see cref="MaxMessageSize"/> and follows it;
    /// a value above <see cref="MaxMessageSize"/> has no effect, as a frame can be no larger than its message.
    /// </summary>
    public long MaxFrameSize { get => _maxFrameSize ?? _maxMessageSize; set => Set(ref _maxFrameSize, value); }

    /// <summary>The largest number of frames in one message; more close the connection with 1008.</summary>
    public int MaxFragments { get => _maxFragments; set => Set(ref _maxFragments, value); }

    /// <summary>Whether received text is checked to be UTF-8 (RFC 6455 §8.1 requires it; on by default). Invalid text closes with 1007.</summary>
    public bool ValidateUtf8 { get => _validateUtf8; set => Set(ref _validateUtf8, value); }

    /// <summary>
    /// How often to ping an idle peer; <see cref="TimeSpan.Zero"/> (the default) or <see cref="Timeout.InfiniteTimeSpan"/>
    /// turns keep-alive off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get => _keepAliveInterval; set => Set(ref _keepAliveInterval, value); }

    /// <summary>
    /// How long to wait for any frame after a keep-alive ping before the peer is taken for dead and the connection
    /// aborted; <see cref="Timeout.InfiniteTimeSpan"/> pings without ever aborting.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get => _keepAliveTimeout; set => Set(ref _keepAliveTimeout, value); }

    /// <summary>
    /// How long <see cref="MessageConnection.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus, string?, CancellationToken)"/>
    /// waits for the peer's close frame before aborting (and how long a failing connection tries to send its close
    /// frame); <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </summary>
    public TimeSpan CloseTimeout { get => _closeTimeout; set => Set(ref _closeTimeout, value); }

    /// <summary>
    /// Whether the peer's close frame is answered at once with a close frame echoing its status (RFC 6455 §5.5.1; on
    /// by default, and the handshake then completes inside the read that reports the close). When <see langword="false"/>
    /// the read reports the close and leaves the connection <see cref="System.Net.WebSockets.WebSocketState.CloseReceived"/>:
    /// the application sends the reply itself, with the status it chooses, through
    /// <see cref="MessageConnection.CloseOutputAsync"/> or <see cref="MessageConnection.CloseAsync"/>, as
    /// System.Net.WebSockets does. Until then it may still send data; RFC 6455 §5.5.1 asks it to reply soon.
    /// </summary>
    public bool AutoReplyToClose { get => _autoReplyToClose; set => Set(ref _autoReplyToClose, value); }

    /// <summary>The pool every buffer is rented from and returned to.</summary>
    public ArrayPool<byte> BufferPool { get => _bufferPool; set => Set(ref _bufferPool, value); }

    /// <summary>The largest receive buffer class (the buffer grows to it for big frames and shrinks back); at least 256 bytes.</summary>
    public int MaxReceiveBufferSize { get => _maxReceiveBufferSize; set => Set(ref _maxReceiveBufferSize, value); }

    /// <summary>
    /// Whether to wait for data with a zero-byte read while idle, holding no receive buffer meanwhile. <see langword="null"/>
    /// (the default) turns it on for transports known to support it (sockets, TLS streams, pipes).
    /// </summary>
    public bool? UseZeroByteReads { get => _useZeroByteReads; set => Set(ref _useZeroByteReads, value); }

    /// <summary>Whether disposing the connection also disposes the stream or completes the pipe (the default).</summary>
    public bool OwnsTransport { get => _ownsTransport; set => Set(ref _ownsTransport, value); }

    /// <summary>
    /// The permessage-deflate parameters agreed in the opening handshake (RFC 7692), or <see langword="null"/> (the
    /// default) when the extension is off. When set, received messages with RSV1 are inflated (the
    /// <see cref="MaxMessageSize"/> then counts inflated bytes) and sent messages of at least
    /// <see cref="PerMessageDeflateOptions.MinimumCompressSize"/> bytes are compressed.
    /// <see cref="WebSocketHandshake.AcceptAsync"/> and <see cref="WebSocketHandshake.ConnectAsync"/> set it from the
    /// negotiation; set it yourself only with parameters your own handshake agreed. A connection snapshots these
    /// parameters too, so changing them later does not affect it.
    /// </summary>
    public PerMessageDeflateOptions? PerMessageDeflate { get => _perMessageDeflate; set => Set(ref _perMessageDeflate, value); }

    /// <summary>Whether this object is a connection's snapshot (its setters throw).</summary>
    internal bool IsFrozen => _frozen;

    /// <summary>
    /// The values as they are now, in a frozen object: this one if it is already frozen, else a snapshot shared by
    /// every caller until a setter (here or in <see cref="PerMessageDeflate"/>) changes something.
    /// </summary>
    internal MessageConnectionOptions Freeze()
    {
        if (_frozen)
        {
            return this;
        }

        // The version is read before the values: a setter writes its value before it bumps the version, so every
        // change counted in `version` is in the copy. A change racing with the copy may or may not be in it, and
        // bumps the version past this snapshot, so the next caller makes a new one.
        int version = Volatile.Read(ref _version);
        PerMessageDeflateOptions? deflate = Volatile.Read(ref _perMessageDeflate)?.Freeze();
        MessageConnectionOptions? cached = Volatile.Read(ref _snapshot);
        if (IsSnapshotOf(cached, version, deflate))
        {
            return cached!;
        }

        MessageConnectionOptions copy = CloneFrozen();
        copy._version = version;
        copy._perMessageDeflate = deflate;

        // Connections made at the same time from the same values share whichever snapshot was published first.
        MessageConnectionOptions? published = Interlocked.CompareExchange(ref _snapshot, copy, cached);
        return ReferenceEquals(published, cached) || !IsSnapshotOf(published, version, deflate) ? copy : published!;
    }

    /// <summary>
    /// The frozen options a connection keeps: one shared object for the defaults, and for given options the snapshot
    /// they share with every other connection made from the same values, so no connection holds a copy of its own.
    /// </summary>
    internal static MessageConnectionOptions Snapshot(MessageConnectionOptions? options) => options?.Freeze() ?? s_defaults;

    private static readonly MessageConnectionOptions s_defaults = new MessageConnectionOptions().FreezeOwn();

    /// <summary>Freezes this very object, for options the library made for one connection and shares with no one.</summary>
    internal MessageConnectionOptions FreezeOwn()
    {
        _perMessageDeflate = _perMessageDeflate?.Freeze();
        _frozen = true;
        return this;
    }

    // The same frozen settings for the other role: the handshake helpers force the role they negotiated.
    internal MessageConnectionOptions WithRole(WebSocketRole role)
    {
        MessageConnectionOptions frozen = Freeze();
        if (role == frozen._role)
        {
            return frozen;
        }

        MessageConnectionOptions copy = frozen.CloneFrozen();
        copy._role = role;
        return copy;
    }

    // The same frozen settings with the parameters a handshake agreed (null: the extension was not agreed).
    internal MessageConnectionOptions WithPerMessageDeflate(PerMessageDeflateOptions? agreed)
    {
        MessageConnectionOptions frozen = Freeze();
        agreed = agreed?.Freeze();
        if (ReferenceEquals(agreed, frozen._perMessageDeflate))
        {
            return frozen;
        }

        MessageConnectionOptions copy = frozen.CloneFrozen();
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

        // RFC 7692 §6: once permessage-deflate is agreed, RSV1 marks a compressed message, which the decoder inflates.
        PerMessageDeflate = PerMessageDeflate,
    };

    private static bool IsSnapshotOf(MessageConnectionOptions? snapshot, int version, PerMessageDeflateOptions? deflate) =>
        snapshot is not null && snapshot._version == version && ReferenceEquals(snapshot._perMessageDeflate, deflate);

    private MessageConnectionOptions CloneFrozen()
    {
        var copy = (MessageConnectionOptions)MemberwiseClone();
        copy._frozen = true;
        copy._snapshot = null;
        return copy;
    }

    private void Set<T>(ref T field, T value)
    {
        if (_frozen)
        {
            ThrowHelper.ThrowInvalidOperation("These options are a connection's snapshot and cannot change; set the options the connection was made from.");
        }

        field = value;

        // After the value (a full fence): whoever sees the new version also sees the value.
        Interlocked.Increment(ref _version);
    }
}

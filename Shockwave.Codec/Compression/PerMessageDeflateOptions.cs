namespace Shockwave.Codec;

/// <summary>
/// The parameters of permessage-deflate (RFC 7692). One type serves three purposes: a client's offer, a server's
/// policy, and the parameters both ends agreed on, which <see cref="PerMessageDeflateNegotiator"/> returns and
/// <see cref="PerMessageDeflateCompressor"/> and <see cref="PerMessageDeflateDecompressor"/> take.
/// </summary>
/// <remarks>
/// Window sizes are base-2 logarithms of the LZ77 sliding window (RFC 7692 §7.1.2). The wire allows 8..15, but
/// zlib's raw deflate cannot compress with a 256-byte window, so these options take 9..15; the negotiator maps a
/// peer's 8 to what can be honoured, or declines (see <see cref="PerMessageDeflateNegotiator"/>).
/// <para>
/// Every property can be set, so the options can be bound or configured in place. A handshake or connection that
/// uses them takes a snapshot and never sees later changes; <see cref="MessageConnection.PerMessageDeflate"/> reports
/// such a snapshot, whose setters throw <see cref="InvalidOperationException"/>.
/// </para>
/// </remarks>
public sealed class PerMessageDeflateOptions
{
    /// <summary>The lowest window size these options accept: zlib cannot deflate with 8 (RFC 7692 §7.1.2).</summary>
    public const int MinWindowBits = 9;

    /// <summary>The largest window size, and the default: 32 KiB (RFC 7692 §7.1.2).</summary>
    public const int MaxWindowBits = 15;

    private int _clientMaxWindowBits = MaxWindowBits;
    private int _serverMaxWindowBits = MaxWindowBits;
    private int _compressionLevel = 6;
    private int _minimumCompressSize = DefaultMinimumCompressSize;
    private bool _clientContextTakeover = true;
    private bool _serverContextTakeover = true;
    private bool _skipCompressionWhenLarger = true;

    // Snapshot bookkeeping, as in MessageConnectionOptions: setters bump _version, _snapshot caches the frozen copy
    // made at a version (a snapshot's own _version), and a frozen object refuses setters.
    private int _version;
    private bool _frozen;
    private PerMessageDeflateOptions? _snapshot;

    /// <summary>The default of <see cref="MinimumCompressSize"/>: 32 bytes, below which deflate rarely wins.</summary>
    /// <remarks>
    /// A deflate block costs about 2 bytes of header and an end-of-block code, and the message's frame gains nothing
    /// from compressing a few bytes, while it does pay a call into zlib and a rented state.
    /// </remarks>
    public const int DefaultMinimumCompressSize = 32;

    /// <summary>
    /// The client's LZ77 window as a base-2 logarithm, 9..15 (default 15). In an offer below 15 it is sent as
    /// <c>client_max_window_bits=N</c>; at 15 the offer still carries a bare <c>client_max_window_bits</c>, so that a
    /// server may limit the client (RFC 7692 §7.1.2.2). In a server policy it limits the client only when the client
    /// offered that parameter.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 9..15.</exception>
    /// <exception cref="InvalidOperationException">Set on a connection's snapshot.</exception>
    public int ClientMaxWindowBits
    {
        get => _clientMaxWindowBits;
        set => Set(ref _clientMaxWindowBits, CheckWindowBits(value, nameof(ClientMaxWindowBits)));
    }

    /// <summary>
    /// The server's LZ77 window as a base-2 logarithm, 9..15 (default 15). In an offer below 15 it is sent as
    /// <c>server_max_window_bits=N</c>; in a server policy below 15 the server announces it in its response
    /// (RFC 7692 §7.1.2.1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 9..15.</exception>
    /// <exception cref="InvalidOperationException">Set on a connection's snapshot.</exception>
    public int ServerMaxWindowBits
    {
        get => _serverMaxWindowBits;
        set => Set(ref _serverMaxWindowBits, CheckWindowBits(value, nameof(ServerMaxWindowBits)));
    }

    /// <summary>
    /// Whether the client may reuse its LZ77 window across messages (default true). False is
    /// <c>client_no_context_takeover</c> (RFC 7692 §7.1.1.2): each client message is compressed on its own, and
    /// neither end keeps the client's compression state between messages.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a connection's snapshot.</exception>
    public bool ClientContextTakeover { get => _clientContextTakeover; set => Set(ref _clientContextTakeover, value); }

    /// <summary>
    /// Whether the server may reuse its LZ77 window across messages (default true). False is
    /// <c>server_no_context_takeover</c> (RFC 7692 §7.1.1.1).
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a connection's snapshot.</exception>
    public bool ServerContextTakeover { get => _serverContextTakeover; set => Set(ref _serverContextTakeover, value); }

    /// <summary>
    /// The zlib compression level used when sending, 1 (fastest) .. 9 (smallest); default 6, zlib's own default,
    /// which is also what .NET's <c>ClientWebSocket</c> with <c>DangerousDeflateOptions</c> compresses with.
    /// Not negotiated: each end chooses its own.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..9.</exception>
    /// <exception cref="InvalidOperationException">Set on a connection's snapshot.</exception>
    public int CompressionLevel
    {
        get => _compressionLevel;
        set
        {
            if (value is < 1 or > 9)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(CompressionLevel), "The compression level must be 1..9.");
            }

            Set(ref _compressionLevel, value);
        }
    }

    /// <summary>
    /// Messages shorter than this many bytes are sent uncompressed (RSV1 clear), which RFC 7692 §6 allows for any
    /// message. Default <see cref="DefaultMinimumCompressSize"/>; 0 compresses everything. Not negotiated.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    /// <exception cref="InvalidOperationException">Set on a connection's snapshot.</exception>
    public int MinimumCompressSize
    {
        get => _minimumCompressSize;
        set
        {
            if (value < 0)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(MinimumCompressSize), "The minimum size cannot be negative.");
            }

            Set(ref _minimumCompressSize, value);
        }
    }

    /// <summary>
    /// Whether a whole message whose compressed form would not be shorter is sent uncompressed instead (default
    /// true). The sender then calls <see cref="PerMessageDeflateCompressor.Reset"/>, because the peer never saw the
    /// compressed bytes its window would otherwise refer to. Not negotiated.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a connection's snapshot.</exception>
    public bool SkipCompressionWhenLarger { get => _skipCompressionWhenLarger; set => Set(ref _skipCompressionWhenLarger, value); }

    /// <summary>Whether a message of <paramref name="length"/> bytes is worth compressing under <see cref="MinimumCompressSize"/>.</summary>
    /// <param name="length">The message's payload length in bytes.</param>
    /// <returns>True when the message should go through the compressor.</returns>
    public bool ShouldCompress(long length) => length >= _minimumCompressSize;

    /// <summary>The window size the given endpoint compresses with.</summary>
    /// <param name="sender">The endpoint that compresses.</param>
    /// <returns><see cref="ServerMaxWindowBits"/> for a server, <see cref="ClientMaxWindowBits"/> for a client.</returns>
    public int GetMaxWindowBits(WebSocketRole sender) =>
        sender == WebSocketRole.Server ? _serverMaxWindowBits : _clientMaxWindowBits;

    /// <summary>Whether the given endpoint keeps its LZ77 window from one message to the next.</summary>
    /// <param name="sender">The endpoint that compresses.</param>
    /// <returns><see cref="ServerContextTakeover"/> for a server, <see cref="ClientContextTakeover"/> for a client.</returns>
    public bool GetContextTakeover(WebSocketRole sender) =>
        sender == WebSocketRole.Server ? _serverContextTakeover : _clientContextTakeover;

    /// <inheritdoc/>
    public override string ToString() =>
        $"client_max_window_bits={_clientMaxWindowBits}, server_max_window_bits={_serverMaxWindowBits}, " +
        $"client_context_takeover={ClientContextTakeover}, server_context_takeover={ServerContextTakeover}, " +
        $"level={_compressionLevel}, minimum={_minimumCompressSize}, skip_when_larger={SkipCompressionWhenLarger}";

    /// <summary>
    /// The values as they are now, in a frozen object: this one if it is already frozen, else a snapshot shared by
    /// every caller until a setter changes something (see <c>MessageConnectionOptions.Freeze</c> for the ordering).
    /// </summary>
    internal PerMessageDeflateOptions Freeze()
    {
        if (_frozen)
        {
            return this;
        }

        int version = Volatile.Read(ref _version);
        PerMessageDeflateOptions? cached = Volatile.Read(ref _snapshot);
        if (cached is not null && cached._version == version)
        {
            return cached;
        }

        var copy = (PerMessageDeflateOptions)MemberwiseClone();
        copy._frozen = true;
        copy._snapshot = null;
        copy._version = version;
        PerMessageDeflateOptions? published = Interlocked.CompareExchange(ref _snapshot, copy, cached);
        return ReferenceEquals(published, cached) || published is null || published._version != version ? copy : published;
    }

    /// <summary>Freezes this very object, for parameters the library made and shares with no one (what a negotiation agreed).</summary>
    internal PerMessageDeflateOptions FreezeOwn()
    {
        _frozen = true;
        return this;
    }

    private void Set<T>(ref T field, T value)
    {
        if (_frozen)
        {
            ThrowHelper.ThrowInvalidOperation("These permessage-deflate parameters are a connection's snapshot and cannot change.");
        }

        field = value;

        // After the value (a full fence): whoever sees the new version also sees the value.
        Interlocked.Increment(ref _version);
    }

    private static int CheckWindowBits(int value, string name)
    {
        if (value is < MinWindowBits or > MaxWindowBits)
        {
            ThrowHelper.ThrowArgumentOutOfRange(name, "Window bits must be 9..15 (zlib cannot deflate with 8).");
        }

        return value;
    }
}

using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// A WebSocket connection over an already upgraded <see cref="Stream"/> or <see cref="IDuplexPipe"/>: a thin pump
/// between the transport and <see cref="MessageDecoder"/>/<see cref="MessageEncoder"/>, with pooled buffers and no
/// allocation per message in steady state.
/// </summary>
/// <remarks>
/// <para>
/// Reading, from simplest to leanest: <see cref="ReadMessageAsync"/> returns a whole message in a new array;
/// <see cref="ReadPooledMessageAsync"/> returns it in a rented buffer given back on dispose;
/// <see cref="ReadMessageIntoAsync"/> copies into the caller's buffer, in parts when the message is larger (also the
/// streaming reader). Writing: <see cref="WriteMessageAsync"/>, <see cref="WriteTextAsync(ReadOnlyMemory{char}, CancellationToken)"/>
/// and <see cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, CancellationToken)"/> for streaming. Synchronous twins exist for blocking streams.
/// </para>
/// <para>
/// One read and one write may run at the same time; further writes wait their turn, and the pongs and close replies
/// the reader owes the peer wait the same way, so they never land inside another frame. Pings are answered, the
/// peer's close is reported as a <see cref="WebSocketMessageType.Close"/> result and answered (unless
/// <see cref="MessageConnectionOptions.AutoReplyToClose"/> leaves the reply to the application), and a peer that breaks
/// the protocol gets the right close code (1002, 1007, 1008, 1009) before the read throws
/// <see cref="WebSocketProtocolException"/>.
/// </para>
/// <code>
/// await using var connection = new MessageConnection(upgradedStream, new MessageConnectionOptions { Role = WebSocketRole.Server });
/// byte[] buffer = new byte[4096];
/// while (true)
/// {
///     MessageReadResult read = await connection.ReadMessageIntoAsync(buffer);
///     if (read.MessageType == WebSocketMessageType.Close) break;
///     await connection.WriteFragmentAsync(read.MessageType, buffer.AsMemory(0, read.Count), read.EndOfMessage);
/// }
/// </code>
/// </remarks>
public sealed partial class MessageConnection : IDisposable
#if !NETSTANDARD2_0
    , IAsyncDisposable
#endif
{
    private readonly Transport _transport;
    private readonly MessageConnectionOptions _options;
    private readonly MessageDecoder _decoder;

    // The one record of the close handshake: State, CloseStatus and every "may we still send/receive" derive from it.
    // A mutable struct, so never readonly: its methods update it in place with interlocked operations.
    private CloseHandshake _close;

    // Send side (MessageConnection.Send.cs, .Frames.cs, .Deflate.cs, .Close.cs). One writer at a time (WriteGate.cs):
    // a mutable struct, so never readonly.
    private readonly MessageEncoder _encoder;
    private WriteGate _writeGate;

    // Receive side (MessageConnection.Receive.cs, .Messages.cs, .KeepAlive.cs). The buffer and the keep-alive are mutable structs, so never readonly: their methods update them in
    // place. The buffer belongs to the reader while a read runs (_readInProgress, which also keeps reads one at a time).
    private ReceiveBuffer _receive;
    private KeepAlive _keepAlive = new(Stopwatch.GetTimestamp());
    private int _readInProgress;

    // What a close waits on while a running reader sees the peer's close (CloseWaiter.cs): a mutable struct, never readonly.
    private CloseWaiter _closeWaiter;

    // Both handshake results in one object, made only when there is one: most connections have neither.
    private Negotiated? _negotiated;

    /// <summary>Creates a connection over a stream on which the opening handshake is already done.</summary>
    /// <param name="stream">The upgraded transport stream.</param>
    /// <param name="options">Role, limits and buffers; <see langword="null"/> for a server with the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit or timeout in <paramref name="options"/> is negative.</exception>
    /// <remarks>The connection keeps a snapshot of <paramref name="options"/>: later changes to them do not affect it.</remarks>
    public MessageConnection(Stream stream, MessageConnectionOptions? options = null)
        : this(Transport.Over(stream, options = MessageConnectionOptions.Snapshot(options)), options)
    {
    }

    /// <summary>Creates a connection over a duplex pipe (for example a Kestrel connection) on which the opening handshake is already done.</summary>
    /// <param name="pipe">The upgraded transport.</param>
    /// <param name="options">Role, limits and buffers; <see langword="null"/> for a server with the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pipe"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit or timeout in <paramref name="options"/> is negative.</exception>
    /// <remarks>The connection keeps a snapshot of <paramref name="options"/>: later changes to them do not affect it.</remarks>
    public MessageConnection(IDuplexPipe pipe, MessageConnectionOptions? options = null)
        : this(Transport.Over(pipe, options = MessageConnectionOptions.Snapshot(options)), options)
    {
    }

    private MessageConnection(Transport transport, MessageConnectionOptions options)
    {
        options.Validate();
        _transport = transport;
        _options = options;
        _decoder = new MessageDecoder(options.ToDecoderOptions());
        _encoder = new MessageEncoder(options.Role, options.PerMessageDeflate);
        StartKeepAlive();
    }

    /// <summary>This endpoint's role.</summary>
    public WebSocketRole Role => _options.Role;

    /// <summary>The frozen options snapshot this connection runs with (tests).</summary>
    internal MessageConnectionOptions Options => _options;

    /// <summary>The connection's state: Open, CloseSent, CloseReceived, Closed or Aborted.</summary>
    public WebSocketState State => _close.State;

    /// <summary>
    /// The status of the close handshake: the one the connection failed with; else the peer's once its close frame
    /// arrived; else ours once sent (<see cref="WebSocketCloseStatus.Empty"/> for a close frame without a status).
    /// </summary>
    public WebSocketCloseStatus? CloseStatus => _close.CloseStatus;

    /// <summary>The reason that came with <see cref="CloseStatus"/>.</summary>
    public string? CloseStatusDescription => _close.CloseStatusDescription;

    /// <summary>
    /// A copy of the close handshake's record as it is now: which close frames crossed with which statuses, whether the
    /// connection failed or was aborted. A copy: recording on it changes nothing here.
    /// </summary>
    public CloseHandshake CloseHandshake => _close.Snapshot();

    /// <summary>Closes the transport at once, without a close handshake; pending reads and writes fail.</summary>
    public void Abort()
    {
        _close.TryAbort();
        ShutDown();
    }

    /// <summary>Closes the transport (without a close handshake if none was done) and releases every buffer.</summary>
    public void Dispose() => Abort();

#if !NETSTANDARD2_0
    /// <summary>Same as <see cref="Dispose"/>.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }
#endif

    private void ShutDown()
    {
        _close.RecordTransportClosed();
        _keepAlive.Stop();
        _transport.Close();

        // The receive buffer belongs to the reader while a read runs; it gives it back itself on the way out.
        bool readerActive = Volatile.Read(ref _readInProgress) != 0;
        if (!readerActive)
        {
            _receive.Release(Pool);
        }

        // The encoder's and decoder's zlib states (twice is harmless); the reader's is released by the reader on its way out.
        _encoder.Dispose();
        if (!readerActive)
        {
            _decoder.Dispose();
        }

        _closeWaiter.Complete();
    }

    // Read from the options rather than copied into fields: per-connection bytes are what an idle server pays for.
    private ArrayPool<byte> Pool => _options.BufferPool ?? ArrayPool<byte>.Shared;

    private int MaxReceiveBuffer => Math.Max(BufferSizeClass.Smallest, _options.MaxReceiveBufferSize);
}

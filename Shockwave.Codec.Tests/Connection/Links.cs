using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Shockwave.Codec.Tests.Connection;

public enum TransportKind
{
    /// <summary>The in-memory <see cref="DuplexStream"/>.</summary>
    Stream,

    /// <summary>A <see cref="DuplexPipe"/>; ManagedWebSocket reaches its end through a <see cref="DuplexPipeStream"/>.</summary>
    Pipe,
}

/// <summary>Our connection facing .NET's ManagedWebSocket. Disposing checks that our pool got every array back.</summary>
internal sealed class ManagedLink : IDisposable
{
    private ManagedLink(MessageConnection ours, WebSocket theirs, RecordingStream theirWire, TrackingArrayPool pool)
    {
        Ours = ours;
        Theirs = theirs;
        TheirWire = theirWire;
        Pool = pool;
    }

    public MessageConnection Ours { get; }

    public WebSocket Theirs { get; }

    /// <summary>ManagedWebSocket's side of the wire: what it read is what we sent, what it wrote is what we received.</summary>
    public RecordingStream TheirWire { get; }

    public TrackingArrayPool Pool { get; }

    public WebSocketRole OurRole => Ours.Role;

    public WebSocketRole TheirRole => OurRole == WebSocketRole.Server ? WebSocketRole.Client : WebSocketRole.Server;

    /// <summary>Every frame we sent so far, as ManagedWebSocket received it.</summary>
    public List<WireFrame> FramesWeSent() => WireFrame.ParseAll(TheirWire.BytesRead, TheirRole);

    /// <summary>Every frame ManagedWebSocket sent so far.</summary>
    public List<WireFrame> FramesTheySent() => WireFrame.ParseAll(TheirWire.BytesWritten, OurRole);

    public static ManagedLink Create(
        TransportKind kind,
        WebSocketRole ourRole,
        MessageConnectionOptions? options = null,
        WebSocketCreationOptions? theirOptions = null)
    {
        var pool = new TrackingArrayPool();
        options = With(options ?? new MessageConnectionOptions(), ourRole, pool);
        theirOptions ??= new WebSocketCreationOptions { KeepAliveInterval = TimeSpan.Zero };
        theirOptions.IsServer = ourRole == WebSocketRole.Client;
        MessageConnection ours;
        Stream theirStream;
        if (kind == TransportKind.Stream)
        {
            (DuplexStream a, DuplexStream b) = DuplexStream.Create();
            ours = new MessageConnection(a, options);
            theirStream = b;
        }
        else
        {
            (IDuplexPipe a, IDuplexPipe b) = DuplexPipe.Create();
            ours = new MessageConnection(a, options);
            theirStream = new DuplexPipeStream(b);
        }

        var wire = new RecordingStream(theirStream);
        return new ManagedLink(ours, WebSocket.CreateFromStream(wire, theirOptions), wire, pool);
    }

    private static readonly TimeSpan DefaultCloseTimeout = new MessageConnectionOptions().CloseTimeout;

    internal static MessageConnectionOptions With(MessageConnectionOptions o, WebSocketRole role, TrackingArrayPool pool) => new()
    {
        Role = role,
        BufferPool = pool,
        MaxMessageSize = o.MaxMessageSize,
        MaxFrameSize = o.MaxFrameSize,
        MaxFragments = o.MaxFragments,
        ValidateUtf8 = o.ValidateUtf8,
        KeepAliveInterval = o.KeepAliveInterval,
        KeepAliveTimeout = o.KeepAliveTimeout,
        // The library's 5 s default would let a thread-pool stall on a loaded CI machine turn a clean close into an
        // abort, so it becomes 30 s here; it is recognised by its value, so a test of the timeout must set another.
        CloseTimeout = o.CloseTimeout == DefaultCloseTimeout ? TimeSpan.FromSeconds(30) : o.CloseTimeout,
        MaxReceiveBufferSize = o.MaxReceiveBufferSize,
        UseZeroByteReads = o.UseZeroByteReads,
        OwnsTransport = o.OwnsTransport,
        PerMessageDeflate = o.PerMessageDeflate,
        AutoReplyToClose = o.AutoReplyToClose,
    };

    public void Dispose()
    {
        Ours.Dispose();
        Theirs.Dispose();
        Pool.AssertAllReturned();
    }
}

/// <summary>Our client facing our server over one transport, both renting from one tracking pool.</summary>
internal sealed class OurLink : IDisposable
{
    private OurLink(MessageConnection client, MessageConnection server, TrackingArrayPool pool, DuplexStream? clientStream, DuplexStream? serverStream)
    {
        Client = client;
        Server = server;
        Pool = pool;
        ClientStream = clientStream;
        ServerStream = serverStream;
    }

    public MessageConnection Client { get; }

    public MessageConnection Server { get; }

    public TrackingArrayPool Pool { get; }

    public DuplexStream? ClientStream { get; }

    public DuplexStream? ServerStream { get; }

    public static OurLink Create(TransportKind kind = TransportKind.Stream, MessageConnectionOptions? client = null, MessageConnectionOptions? server = null, int capacity = DuplexStream.DefaultCapacity, MemoryPool<byte>? pipePool = null)
    {
        var pool = new TrackingArrayPool();
        MessageConnectionOptions clientOptions = ManagedLink.With(client ?? new MessageConnectionOptions(), WebSocketRole.Client, pool);
        MessageConnectionOptions serverOptions = ManagedLink.With(server ?? new MessageConnectionOptions(), WebSocketRole.Server, pool);
        if (kind == TransportKind.Stream)
        {
            (DuplexStream a, DuplexStream b) = DuplexStream.Create(capacity);
            return new OurLink(new MessageConnection(a, clientOptions), new MessageConnection(b, serverOptions), pool, a, b);
        }

        (IDuplexPipe pa, IDuplexPipe pb) = DuplexPipe.Create(pool: pipePool);
        return new OurLink(new MessageConnection(pa, clientOptions), new MessageConnection(pb, serverOptions), pool, null, null);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
        Pool.AssertAllReturned();
    }
}

/// <summary>Our connection facing a <see cref="RawPeer"/> that speaks raw bytes, optionally through a <see cref="TrickleStream"/>.</summary>
internal sealed class RawLink : IDisposable
{
    private RawLink(MessageConnection ours, RawPeer raw, TrackingArrayPool pool, DuplexStream ourStream)
    {
        Ours = ours;
        Raw = raw;
        Pool = pool;
        OurStream = ourStream;
    }

    public MessageConnection Ours { get; }

    public RawPeer Raw { get; }

    public TrackingArrayPool Pool { get; }

    /// <summary>Our end of the duplex stream (under any trickle wrapper), to make it fail.</summary>
    public DuplexStream OurStream { get; }

    public static RawLink Create(WebSocketRole ourRole, MessageConnectionOptions? options = null, bool trickle = false)
    {
        var pool = new TrackingArrayPool();
        (DuplexStream a, DuplexStream b) = DuplexStream.Create();
        Stream ourStream = trickle ? new TrickleStream(a) : a;
        var ours = new MessageConnection(ourStream, ManagedLink.With(options ?? new MessageConnectionOptions(), ourRole, pool));
        var raw = new RawPeer(b, ourRole == WebSocketRole.Server ? WebSocketRole.Client : WebSocketRole.Server);
        return new RawLink(ours, raw, pool, a);
    }

    public void Dispose()
    {
        Ours.Dispose();
        Raw.Dispose();
        Pool.AssertAllReturned();
    }
}

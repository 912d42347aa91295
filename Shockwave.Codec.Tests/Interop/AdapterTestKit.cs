using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// What the adapter suites share: creating either implementation, an endpoint paired with a .NET peer over an
/// in-memory connection, raw frames for a peer that breaks the rules, and bounded waits.
/// </summary>
internal static class AdapterTestKit
{
    /// <summary>The longest any awaited operation may take before the test fails instead of hanging.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    // A fixed, non-zero mask key for frames a raw client writes: the bytes on the wire then differ from the payload.
    private static readonly byte[] s_maskKey = [0x37, 0x2F, 0xFA, 0x3D];

    public static WebSocket Create(WebSocketImplementation implementation, Stream stream, bool isServer, string? subProtocol = null, TimeSpan? keepAliveInterval = null)
    {
        TimeSpan keepAlive = keepAliveInterval ?? TimeSpan.Zero;
        return implementation == WebSocketImplementation.Managed
            ? WebSocket.CreateFromStream(stream, isServer, subProtocol, keepAlive)
            : ShockwaveWebSocket.CreateFromStream(stream, isServer, subProtocol, keepAlive);
    }

    /// <summary>An endpoint of the implementation under test and a .NET peer of the other role.</summary>
    public static Link Connect(WebSocketImplementation implementation, bool isServer = true)
    {
        (DuplexStream local, DuplexStream peer) = DuplexStream.Create();
        return new Link(
            Create(implementation, local, isServer),
            WebSocket.CreateFromStream(peer, !isServer, null, TimeSpan.Zero),
            local,
            peer);
    }

    /// <summary>A server endpoint of the implementation under test, and the raw stream its client writes to.</summary>
    public static (WebSocket Server, DuplexStream Raw) ConnectRaw(WebSocketImplementation implementation)
    {
        (DuplexStream local, DuplexStream raw) = DuplexStream.Create();
        return (Create(implementation, local, isServer: true), raw);
    }

    /// <summary>A masked client frame with a short payload (under 126 bytes), first byte as given (FIN, RSV, opcode).</summary>
    public static byte[] ClientFrame(byte firstByte, params byte[] payload)
    {
        Assert.True(payload.Length <= 125);
        byte[] frame = new byte[6 + payload.Length];
        frame[0] = firstByte;
        frame[1] = (byte)(0x80 | payload.Length);
        s_maskKey.CopyTo(frame, 2);
        for (int i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ s_maskKey[i & 3]);
        }

        return frame;
    }

    /// <summary>Reads one close frame a server wrote (unmasked); returns its status code (-1 for none) and reason.</summary>
    public static async Task<(int Code, string Reason)> ReadServerCloseFrameAsync(Stream raw)
    {
        using var timeout = new CancellationTokenSource(Limit);
        byte[] header = new byte[2];
        await raw.ReadExactlyAsync(header, timeout.Token);
        Assert.Equal(0x88, header[0]);
        Assert.Equal(0, header[1] & 0x80);
        byte[] payload = new byte[header[1]];
        await raw.ReadExactlyAsync(payload, timeout.Token);
        return payload.Length < 2 ? (-1, string.Empty) : ((payload[0] << 8) | payload[1], Encoding.UTF8.GetString(payload, 2, payload.Length - 2));
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, bounded.</summary>
    public static async Task<byte[]> ReadRawAsync(Stream raw, int count)
    {
        using var timeout = new CancellationTokenSource(Limit);
        byte[] bytes = new byte[count];
        await raw.ReadExactlyAsync(bytes, timeout.Token);
        return bytes;
    }

    /// <summary>Reads until the end of the stream, bounded; returns what came before it.</summary>
    public static async Task<byte[]> ReadToEndAsync(Stream raw)
    {
        using var timeout = new CancellationTokenSource(Limit);
        using var collected = new MemoryStream();
        await raw.CopyToAsync(collected, timeout.Token);
        return collected.ToArray();
    }

    public static Task Bounded(Task task) => task.WaitAsync(Limit);

    public static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(Limit);

    public static Task Bounded(ValueTask task) => task.AsTask().WaitAsync(Limit);

    public static Task<T> Bounded<T>(ValueTask<T> task) => task.AsTask().WaitAsync(Limit);

    /// <summary>Waits, bounded, until another thread makes <paramref name="condition"/> true.</summary>
    public static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Limit);
        while (!condition())
        {
            await Task.Delay(2, timeout.Token);
        }
    }

    public static ArraySegment<byte> Segment(byte[] bytes) => new(bytes);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A deterministic byte pattern (no randomness), different at every offset within 251 bytes.</summary>
    public static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    /// <summary>Asserts that a call throws before returning a task (argument checks do), and returns the exception.</summary>
    public static TException ThrowsAtOnce<TException>(Func<Task> call)
        where TException : Exception =>
        Assert.Throws<TException>(() => { _ = call(); });

    /// <summary>Asserts that a call reports its error through the returned task, not by throwing, and returns it.</summary>
    public static TException FaultedWith<TException>(Func<Task> call)
        where TException : Exception
    {
        Task task = call();
        Assert.True(task.IsFaulted, $"expected a faulted task, got {task.Status}");
        return Assert.IsType<TException>(task.Exception!.InnerException);
    }

    /// <summary>A local endpoint and its .NET peer over one in-memory connection.</summary>
    internal sealed class Link(WebSocket local, WebSocket peer, DuplexStream localStream, DuplexStream peerStream) : IDisposable
    {
        public WebSocket Local { get; } = local;

        public WebSocket Peer { get; } = peer;

        public DuplexStream LocalStream { get; } = localStream;

        public DuplexStream PeerStream { get; } = peerStream;

        public void Dispose()
        {
            Local.Dispose();
            Peer.Dispose();
        }
    }
}

using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// One echo round trip in memory (docs/architecture.md, "Performance goals"): the client sends a message, the server reads it and sends it back, the
/// client reads the reply. Both ends run in the benchmark method, awaited one after the other over an
/// <see cref="LockFreeDuplexStream"/> pair whose reads and writes complete synchronously, so one thread drives the
/// whole conversation and the numbers are the two stacks' own cost. Each of our API levels is measured against
/// System.Net.WebSockets' ManagedWebSocket (<c>WebSocket.CreateFromStream</c>, keep-alive off) on the same transport.
/// </summary>
/// <remarks>
/// Targets: at most 0.2× the baseline's time at 16 B and 1 KiB, 0.6× at 64 KiB; nothing allocated per round trip,
/// except by <see cref="ReadMessageAsync"/> and <see cref="ReadMessage"/>, which allocate exactly the two messages they
/// return. Text payloads are JSON-like with some Cyrillic and CJK, so both stacks validate multibyte UTF-8. Our
/// connections use the default options (so no zero-byte reads on this stream: the receive buffer stays rented between
/// messages, as ManagedWebSocket's does). <see cref="TransportOnly"/> is not a contender but the floor: the transport's
/// own share of every row, which matters most at 64 KiB, where copies through the ring are a large part of both stacks' time.
/// </remarks>
[MemoryDiagnoser]
public class EchoRoundTripBenchmarks
{
    // Larger than one 64 KiB frame in flight, so no write ever waits for the reader.
    private const int RingCapacity = 1 << 17;

    private byte[] _payload = [];
    private byte[] _serverBuffer = [];
    private byte[] _clientBuffer = [];
    private WebSocket _managedClient = null!;
    private WebSocket _managedServer = null!;
    private MessageConnection _client = null!;
    private MessageConnection _server = null!;
    private LockFreeDuplexStream _rawClient = null!;
    private LockFreeDuplexStream _rawServer = null!;
    private LockFreeDuplexStream[] _streams = [];

    [Params(16, 1024, 64 * 1024)]
    public int Size { get; set; }

    [Params(WebSocketMessageType.Binary, WebSocketMessageType.Text)]
    public WebSocketMessageType MessageType { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = MessageType == WebSocketMessageType.Text ? Payloads.ChatUtf8(Size) : Payloads.Binary(Size);
        _serverBuffer = new byte[Size];
        _clientBuffer = new byte[Size];

        (LockFreeDuplexStream managedClientStream, LockFreeDuplexStream managedServerStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _managedClient = WebSocket.CreateFromStream(managedClientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        _managedServer = WebSocket.CreateFromStream(managedServerStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });

        (LockFreeDuplexStream clientStream, LockFreeDuplexStream serverStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client });
        _server = new MessageConnection(serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server });
        (_rawClient, _rawServer) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _streams = [managedClientStream, managedServerStream, clientStream, serverStream, _rawClient, _rawServer];

        Verify();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _managedClient.Dispose();
        _managedServer.Dispose();
        _client.Dispose();
        _server.Dispose();
        _rawClient.Dispose();
        _rawServer.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<int> ManagedWebSocket()
        => ManagedEcho.RoundTripAsync(_managedClient, _managedServer, _payload, MessageType, _serverBuffer, _clientBuffer);

    /// <summary>
    /// Not a WebSocket: the payload's bytes alone, there and back over the same transport, no framing. The floor under
    /// every other row: the part of their time (and of the ratio) that belongs to the in-memory transport's copies.
    /// </summary>
    [Benchmark]
    public async ValueTask<int> TransportOnly()
    {
        await _rawClient.WriteAsync(_payload.AsMemory()).ConfigureAwait(false);
        int received = 0;
        while (received < _serverBuffer.Length)
        {
            received += await _rawServer.ReadAsync(_serverBuffer.AsMemory(received)).ConfigureAwait(false);
        }

        await _rawServer.WriteAsync(_serverBuffer.AsMemory(0, received)).ConfigureAwait(false);
        int replied = 0;
        while (replied < _clientBuffer.Length)
        {
            replied += await _rawClient.ReadAsync(_clientBuffer.AsMemory(replied)).ConfigureAwait(false);
        }

        return replied;
    }

    /// <summary>The leanest level: <c>WriteMessageAsync</c> and <c>ReadMessageIntoAsync</c> into the caller's buffer.</summary>
    [Benchmark]
    public async ValueTask<int> ReadMessageIntoAsync()
    {
        await _client.WriteMessageAsync(MessageType, _payload).ConfigureAwait(false);

        int received = 0;
        MessageReadResult result;
        do
        {
            result = await _server.ReadMessageIntoAsync(_serverBuffer.AsMemory(received)).ConfigureAwait(false);
            received += result.Count;
        }
        while (!result.EndOfMessage);

        await _server.WriteMessageAsync(result.MessageType, _serverBuffer.AsMemory(0, received)).ConfigureAwait(false);

        int replied = 0;
        do
        {
            result = await _client.ReadMessageIntoAsync(_clientBuffer.AsMemory(replied)).ConfigureAwait(false);
            replied += result.Count;
        }
        while (!result.EndOfMessage);

        return replied;
    }

    /// <summary>Whole messages in buffers rented from the pool and returned on dispose.</summary>
    [Benchmark]
    public async ValueTask<int> ReadPooledMessageAsync()
    {
        await _client.WriteMessageAsync(MessageType, _payload).ConfigureAwait(false);
        using (PooledMessage request = await _server.ReadPooledMessageAsync().ConfigureAwait(false))
        {
            await _server.WriteMessageAsync(request.MessageType, request.Memory).ConfigureAwait(false);
        }

        using PooledMessage reply = await _client.ReadPooledMessageAsync().ConfigureAwait(false);
        return reply.Length;
    }

    /// <summary>The simplest level: each read allocates the message it returns (two per round trip, by design).</summary>
    [Benchmark]
    public async ValueTask<int> ReadMessageAsync()
    {
        await _client.WriteMessageAsync(MessageType, _payload).ConfigureAwait(false);
        WebSocketMessage request = await _server.ReadMessageAsync().ConfigureAwait(false);
        await _server.WriteMessageAsync(request.MessageType, request.Data).ConfigureAwait(false);
        WebSocketMessage reply = await _client.ReadMessageAsync().ConfigureAwait(false);
        return reply.Data.Length;
    }

    /// <summary>The synchronous twins: <c>WriteMessage</c> and <c>ReadMessageInto</c>.</summary>
    [Benchmark]
    public int ReadMessageInto()
    {
        _client.WriteMessage(MessageType, _payload);
        int received = ReadWhole(_server, _serverBuffer, out WebSocketMessageType type);
        _server.WriteMessage(type, _serverBuffer.AsSpan(0, received));
        return ReadWhole(_client, _clientBuffer, out _);
    }

    /// <summary>The synchronous simplest level: <c>WriteMessage</c> and <c>ReadMessage</c> (allocates the two messages).</summary>
    [Benchmark]
    public int ReadMessage()
    {
        _client.WriteMessage(MessageType, _payload);
        WebSocketMessage request = _server.ReadMessage();
        _server.WriteMessage(request.MessageType, request.Data.Span);
        return _client.ReadMessage().Data.Length;
    }

    private static int ReadWhole(MessageConnection connection, byte[] buffer, out WebSocketMessageType type)
    {
        int received = 0;
        MessageReadResult result;
        do
        {
            result = connection.ReadMessageInto(buffer.AsSpan(received));
            received += result.Count;
        }
        while (!result.EndOfMessage);

        type = result.MessageType;
        return received;
    }

    // Every level must really echo the payload, and leave nothing unread behind it, before anything is timed.
    private void Verify()
    {
        Check(ManagedWebSocket().AsTask().GetAwaiter().GetResult(), nameof(ManagedWebSocket), _clientBuffer);
        Check(TransportOnly().AsTask().GetAwaiter().GetResult(), nameof(TransportOnly), _clientBuffer);
        Check(ReadMessageIntoAsync().AsTask().GetAwaiter().GetResult(), nameof(ReadMessageIntoAsync), _clientBuffer);
        Check(ReadPooledMessageAsync().AsTask().GetAwaiter().GetResult(), nameof(ReadPooledMessageAsync), null);
        Check(ReadMessageAsync().AsTask().GetAwaiter().GetResult(), nameof(ReadMessageAsync), null);
        Check(ReadMessageInto(), nameof(ReadMessageInto), _clientBuffer);
        Check(ReadMessage(), nameof(ReadMessage), null);
    }

    private void Check(int length, string method, byte[]? echoed)
    {
        bool drained = Array.TrueForAll(_streams, static s => s.Available == 0);
        if (length != Size || !drained || (echoed is not null && !echoed.AsSpan().SequenceEqual(_payload)))
        {
            throw new InvalidOperationException($"{method} did not echo the {Size}-byte {MessageType} message (got {length} bytes, drained: {drained}).");
        }

        Array.Clear(_serverBuffer);
        Array.Clear(_clientBuffer);
    }
}

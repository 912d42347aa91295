using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// The echo round trip of <see cref="EchoRoundTripBenchmarks"/> the way a server really runs it: each side's read is
/// posted before the peer writes, so every read finds no data, waits, and is woken (inline, on the same thread) by the
/// peer's write. That is the path a network server takes for nearly every message, and the one where async state
/// machines that suspend must come from a pool or be avoided: the promise of no allocation per message (docs/architecture.md, "Buffers and memory")
/// is tested here, not in the synchronously completing echo.
/// </summary>
/// <remarks>
/// Binary messages; the same in-memory stream for both stacks, and for us also with zero-byte reads (the idle
/// path that gives the receive buffer back) and over an <see cref="System.IO.Pipelines.IDuplexPipe"/> with inline
/// schedulers (no ManagedWebSocket counterpart: it takes only a stream).
/// </remarks>
[MemoryDiagnoser]
public class EchoRoundTripPendingReadBenchmarks
{
    private const int RingCapacity = 1 << 17;

    private byte[] _payload = [];
    private byte[] _serverBuffer = [];
    private byte[] _clientBuffer = [];
    private WebSocket _managedClient = null!;
    private WebSocket _managedServer = null!;
    private MessageConnection _client = null!;
    private MessageConnection _server = null!;
    private MessageConnection _zeroByteClient = null!;
    private MessageConnection _zeroByteServer = null!;
    private MessageConnection _pipeClient = null!;
    private MessageConnection _pipeServer = null!;

    [Params(16, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = Payloads.Binary(Size);
        _serverBuffer = new byte[Size];
        _clientBuffer = new byte[Size];

        (LockFreeDuplexStream managedClientStream, LockFreeDuplexStream managedServerStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _managedClient = WebSocket.CreateFromStream(managedClientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        _managedServer = WebSocket.CreateFromStream(managedServerStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });

        (LockFreeDuplexStream clientStream, LockFreeDuplexStream serverStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client });
        _server = new MessageConnection(serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server });

        (LockFreeDuplexStream zeroByteClientStream, LockFreeDuplexStream zeroByteServerStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _zeroByteClient = new MessageConnection(zeroByteClientStream, new MessageConnectionOptions { Role = WebSocketRole.Client, UseZeroByteReads = true });
        _zeroByteServer = new MessageConnection(zeroByteServerStream, new MessageConnectionOptions { Role = WebSocketRole.Server, UseZeroByteReads = true });

        (DuplexPipe clientPipe, DuplexPipe serverPipe) = DuplexPipe.CreateInline();
        _pipeClient = new MessageConnection(clientPipe, new MessageConnectionOptions { Role = WebSocketRole.Client });
        _pipeServer = new MessageConnection(serverPipe, new MessageConnectionOptions { Role = WebSocketRole.Server });

        Check(ManagedWebSocket().AsTask().GetAwaiter().GetResult(), nameof(ManagedWebSocket));
        Check(ReadMessageIntoAsync().AsTask().GetAwaiter().GetResult(), nameof(ReadMessageIntoAsync));
        Check(ReadMessageIntoAsyncZeroByteReads().AsTask().GetAwaiter().GetResult(), nameof(ReadMessageIntoAsyncZeroByteReads));
        Check(ReadMessageIntoAsyncPipe().AsTask().GetAwaiter().GetResult(), nameof(ReadMessageIntoAsyncPipe));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _managedClient.Dispose();
        _managedServer.Dispose();
        _client.Dispose();
        _server.Dispose();
        _zeroByteClient.Dispose();
        _zeroByteServer.Dispose();
        _pipeClient.Dispose();
        _pipeServer.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<int> ManagedWebSocket()
    {
        ValueTask<ValueWebSocketReceiveResult> serverRead = _managedServer.ReceiveAsync(_serverBuffer.AsMemory(), CancellationToken.None);
        await _managedClient.SendAsync(_payload.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        int received = await FinishManagedAsync(_managedServer, serverRead, _serverBuffer).ConfigureAwait(false);

        ValueTask<ValueWebSocketReceiveResult> clientRead = _managedClient.ReceiveAsync(_clientBuffer.AsMemory(), CancellationToken.None);
        await _managedServer.SendAsync(_serverBuffer.AsMemory(0, received), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        return await FinishManagedAsync(_managedClient, clientRead, _clientBuffer).ConfigureAwait(false);
    }

    [Benchmark]
    public ValueTask<int> ReadMessageIntoAsync() => EchoAsync(_client, _server);

    [Benchmark]
    public ValueTask<int> ReadMessageIntoAsyncZeroByteReads() => EchoAsync(_zeroByteClient, _zeroByteServer);

    [Benchmark]
    public ValueTask<int> ReadMessageIntoAsyncPipe() => EchoAsync(_pipeClient, _pipeServer);

    private async ValueTask<int> EchoAsync(MessageConnection client, MessageConnection server)
    {
        ValueTask<MessageReadResult> serverRead = server.ReadMessageIntoAsync(_serverBuffer);
        await client.WriteMessageAsync(WebSocketMessageType.Binary, _payload).ConfigureAwait(false);
        int received = await FinishAsync(server, serverRead, _serverBuffer).ConfigureAwait(false);

        ValueTask<MessageReadResult> clientRead = client.ReadMessageIntoAsync(_clientBuffer);
        await server.WriteMessageAsync(WebSocketMessageType.Binary, _serverBuffer.AsMemory(0, received)).ConfigureAwait(false);
        return await FinishAsync(client, clientRead, _clientBuffer).ConfigureAwait(false);
    }

    // The first part was read by the posted read; a message that arrives in parts is read on into the buffer.
    private static async ValueTask<int> FinishAsync(MessageConnection connection, ValueTask<MessageReadResult> posted, byte[] buffer)
    {
        MessageReadResult result = await posted.ConfigureAwait(false);
        int received = result.Count;
        while (!result.EndOfMessage)
        {
            result = await connection.ReadMessageIntoAsync(buffer.AsMemory(received)).ConfigureAwait(false);
            received += result.Count;
        }

        return received;
    }

    private static async ValueTask<int> FinishManagedAsync(WebSocket socket, ValueTask<ValueWebSocketReceiveResult> posted, byte[] buffer)
    {
        ValueWebSocketReceiveResult result = await posted.ConfigureAwait(false);
        int received = result.Count;
        while (!result.EndOfMessage)
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(received), CancellationToken.None).ConfigureAwait(false);
            received += result.Count;
        }

        return received;
    }

    private void Check(int length, string method)
    {
        if (length != Size || !_clientBuffer.AsSpan().SequenceEqual(_payload))
        {
            throw new InvalidOperationException($"{method} did not echo the {Size}-byte message (got {length} bytes).");
        }

        Array.Clear(_serverBuffer);
        Array.Clear(_clientBuffer);
    }
}

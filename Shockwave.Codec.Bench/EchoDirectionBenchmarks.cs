using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// A diagnostic split of <see cref="EchoRoundTripBenchmarks"/>: one direction of the echo at a time (client to
/// server, masked; server to client, unmasked), with the writer and the reader each asynchronous or synchronous, to
/// find which end makes the asynchronous echo slower than its synchronous twin. Not a contender against
/// ManagedWebSocket (its rows are in <see cref="EchoRoundTripBenchmarks"/>); nothing here may allocate.
/// </summary>
[MemoryDiagnoser]
public class EchoDirectionBenchmarks
{
    private byte[] _payload = [];
    private byte[] _buffer = [];
    private MessageConnection _client = null!;
    private MessageConnection _server = null!;

    [Params(16, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = BenchPayloads.Binary(Size);
        _buffer = new byte[Size];
        (InMemoryDuplexStream c, InMemoryDuplexStream s) = InMemoryDuplexStream.CreatePair(1 << 17);
        _client = new MessageConnection(c, new MessageConnectionOptions { Role = WebSocketRole.Client });
        _server = new MessageConnection(s, new MessageConnectionOptions { Role = WebSocketRole.Server });
    }

    [Benchmark]
    public async ValueTask<int> C2S_Async()
    {
        await _client.WriteMessageAsync(WebSocketMessageType.Binary, _payload).ConfigureAwait(false);
        return (await _server.ReadMessageIntoAsync(_buffer).ConfigureAwait(false)).Count;
    }

    [Benchmark]
    public int C2S_Sync()
    {
        _client.WriteMessage(WebSocketMessageType.Binary, _payload);
        return _server.ReadMessageInto(_buffer).Count;
    }

    [Benchmark]
    public int C2S_AsyncWrite_SyncRead()
    {
        _client.WriteMessageAsync(WebSocketMessageType.Binary, _payload).GetAwaiter().GetResult();
        return _server.ReadMessageInto(_buffer).Count;
    }

    [Benchmark]
    public int C2S_SyncWrite_AsyncRead()
    {
        _client.WriteMessage(WebSocketMessageType.Binary, _payload);
        return _server.ReadMessageIntoAsync(_buffer).GetAwaiter().GetResult().Count;
    }

    [Benchmark]
    public async ValueTask<int> S2C_Async()
    {
        await _server.WriteMessageAsync(WebSocketMessageType.Binary, _payload).ConfigureAwait(false);
        return (await _client.ReadMessageIntoAsync(_buffer).ConfigureAwait(false)).Count;
    }

    [Benchmark]
    public int S2C_Sync()
    {
        _server.WriteMessage(WebSocketMessageType.Binary, _payload);
        return _client.ReadMessageInto(_buffer).Count;
    }
}

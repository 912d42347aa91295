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
        _payload = Payloads.Binary(Size);
        _buffer = new byte[Size];
        (LockFreeDuplexStream c, LockFreeDuplexStream s) = LockFreeDuplexStream.CreatePair(1 << 17);
        _client = new MessageConnection(c, new MessageConnectionOptions { Role = WebSocketRole.Client });
        _server = new MessageConnection(s, new MessageConnectionOptions { Role = WebSocketRole.Server });

        // Every variant must really carry the whole message, one message per call, before anything is timed.
        int[] counts =
        [
            C2S_Async().AsTask().GetAwaiter().GetResult(), C2S_Sync(), C2S_AsyncWrite_SyncRead(), C2S_SyncWrite_AsyncRead(),
            S2C_Async().AsTask().GetAwaiter().GetResult(), S2C_Sync(),
        ];
        if (counts.Any(count => count != Size) || !_buffer.AsSpan().SequenceEqual(_payload))
        {
            throw new InvalidOperationException($"a direction did not deliver the {Size}-byte message whole: {string.Join(", ", counts)}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Benchmark]
    public async ValueTask<int> C2S_Async()
    {
        await _client.WriteMessageAsync(WebSocketMessageType.Binary, _payload).ConfigureAwait(false);
        return await ReadWholeAsync(_server).ConfigureAwait(false);
    }

    [Benchmark]
    public int C2S_Sync()
    {
        _client.WriteMessage(WebSocketMessageType.Binary, _payload);
        return ReadWhole(_server);
    }

    [Benchmark]
    public int C2S_AsyncWrite_SyncRead()
    {
        _client.WriteMessageAsync(WebSocketMessageType.Binary, _payload).GetAwaiter().GetResult();
        return ReadWhole(_server);
    }

    [Benchmark]
    public int C2S_SyncWrite_AsyncRead()
    {
        _client.WriteMessage(WebSocketMessageType.Binary, _payload);
        return ReadWholeAsync(_server).GetAwaiter().GetResult();
    }

    [Benchmark]
    public async ValueTask<int> S2C_Async()
    {
        await _server.WriteMessageAsync(WebSocketMessageType.Binary, _payload).ConfigureAwait(false);
        return await ReadWholeAsync(_client).ConfigureAwait(false);
    }

    [Benchmark]
    public int S2C_Sync()
    {
        _server.WriteMessage(WebSocketMessageType.Binary, _payload);
        return ReadWhole(_client);
    }

    // A message can come in more than one part (the receive buffer grows from its smallest class on the first large
    // frame), so every read loops to the end of the message, as the echo benchmarks do.
    private async ValueTask<int> ReadWholeAsync(MessageConnection connection)
    {
        int received = 0;
        MessageReadResult result;
        do
        {
            result = await connection.ReadMessageIntoAsync(_buffer.AsMemory(received)).ConfigureAwait(false);
            received += result.Count;
        }
        while (!result.EndOfMessage);

        return received;
    }

    private int ReadWhole(MessageConnection connection)
    {
        int received = 0;
        MessageReadResult result;
        do
        {
            result = connection.ReadMessageInto(_buffer.AsSpan(received));
            received += result.Count;
        }
        while (!result.EndOfMessage);

        return received;
    }
}

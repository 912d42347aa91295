using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// A server sending one unmasked binary frame into a <see cref="DiscardStream"/> (docs/architecture.md, "Performance goals": at most 0.5×
/// ManagedWebSocket's time). Each invocation sends 64 frames, so the figure is per frame: header, copy or gather, write.
/// Returns the bytes the stream took, which also proves every frame went out.
/// </summary>
[MemoryDiagnoser]
public class ServerSendBenchmarks
{
    private const int Frames = 64;

    private byte[] _payload = [];
    private DiscardStream _managedStream = null!;
    private DiscardStream _stream = null!;
    private WebSocket _managed = null!;
    private MessageConnection _connection = null!;

    [Params(16, 4096)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = Payloads.Binary(PayloadSize);
        _managedStream = new DiscardStream();
        _stream = new DiscardStream();
        _managed = WebSocket.CreateFromStream(_managedStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        _connection = new MessageConnection(_stream, new MessageConnectionOptions { Role = WebSocketRole.Server });

        long expected = (long)Frames * (FrameHeader.GetHeaderLength(PayloadSize, isMasked: false) + PayloadSize);
        Check(ManagedWebSocket().AsTask().GetAwaiter().GetResult(), expected, nameof(ManagedWebSocket));
        Check(WriteMessageAsync().AsTask().GetAwaiter().GetResult(), expected, nameof(WriteMessageAsync));
        Check(WriteMessage(), expected, nameof(WriteMessage));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _managed.Dispose();
        _connection.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public async ValueTask<long> ManagedWebSocket()
    {
        long before = _managedStream.BytesWritten;
        for (int i = 0; i < Frames; i++)
        {
            await _managed.SendAsync(_payload.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }

        return _managedStream.BytesWritten - before;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public async ValueTask<long> WriteMessageAsync()
    {
        long before = _stream.BytesWritten;
        for (int i = 0; i < Frames; i++)
        {
            await _connection.WriteMessageAsync(WebSocketMessageType.Binary, _payload).ConfigureAwait(false);
        }

        return _stream.BytesWritten - before;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public long WriteMessage()
    {
        long before = _stream.BytesWritten;
        for (int i = 0; i < Frames; i++)
        {
            _connection.WriteMessage(WebSocketMessageType.Binary, _payload);
        }

        return _stream.BytesWritten - before;
    }

    private static void Check(long written, long expected, string method)
    {
        if (written != expected)
        {
            throw new InvalidOperationException($"{method} wrote {written} bytes; {expected} expected.");
        }
    }
}

using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// A server receiving one masked binary frame (docs/architecture.md, "Performance goals": at most 0.5× ManagedWebSocket's time). 64 frames, each with
/// its own mask key, are encoded once and replayed by a <see cref="ReplayStream"/> whose reads complete synchronously;
/// each invocation receives all 64, so the figure is per frame: header parse, unmask, copy into the caller's buffer.
/// A message that arrives in parts (the stacks' receive buffers may be smaller than the frame) is assembled in place.
/// </summary>
[MemoryDiagnoser]
public class ServerReceiveBenchmarks
{
    private const int Frames = 64;

    private byte[] _buffer = [];
    private WebSocket _managed = null!;
    private MessageConnection _connection = null!;

    [Params(16, 4096)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] payload = Payloads.Binary(PayloadSize);
        int frameLength = FrameHeader.GetHeaderLength(PayloadSize, isMasked: true) + PayloadSize;
        byte[] wire = new byte[Frames * frameLength];
        var keys = new Random(Payloads.DefaultSeed);
        for (int i = 0; i < Frames; i++)
        {
            var writer = new FrameWriter(wire.AsSpan(i * frameLength, frameLength));
            writer.WriteFrame(new FrameHeader(true, Opcode.Binary, PayloadSize, isMasked: true, maskKey: (uint)keys.Next()), payload);
        }

        _buffer = new byte[PayloadSize];
        _managed = WebSocket.CreateFromStream(new ReplayStream(wire), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        _connection = new MessageConnection(new ReplayStream(wire), new MessageConnectionOptions { Role = WebSocketRole.Server });

        // Both must see the frames as they were sent before anything is timed.
        Check(ManagedWebSocket().AsTask().GetAwaiter().GetResult(), payload, nameof(ManagedWebSocket));
        Check(ReadMessageIntoAsync().AsTask().GetAwaiter().GetResult(), payload, nameof(ReadMessageIntoAsync));
        Check(ReadMessageInto(), payload, nameof(ReadMessageInto));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _managed.Dispose();
        _connection.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    public async ValueTask<int> ManagedWebSocket()
    {
        int total = 0;
        for (int i = 0; i < Frames; i++)
        {
            int received = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _managed.ReceiveAsync(_buffer.AsMemory(received), CancellationToken.None).ConfigureAwait(false);
                received += result.Count;
            }
            while (!result.EndOfMessage);

            total += received;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public async ValueTask<int> ReadMessageIntoAsync()
    {
        int total = 0;
        for (int i = 0; i < Frames; i++)
        {
            int received = 0;
            MessageReadResult result;
            do
            {
                result = await _connection.ReadMessageIntoAsync(_buffer.AsMemory(received)).ConfigureAwait(false);
                received += result.Count;
            }
            while (!result.EndOfMessage);

            total += received;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int ReadMessageInto()
    {
        int total = 0;
        for (int i = 0; i < Frames; i++)
        {
            int received = 0;
            MessageReadResult result;
            do
            {
                result = _connection.ReadMessageInto(_buffer.AsSpan(received));
                received += result.Count;
            }
            while (!result.EndOfMessage);

            total += received;
        }

        return total;
    }

    private void Check(int total, byte[] payload, string method)
    {
        // Each message fills _buffer exactly, so after a run it holds the last one.
        if (total != Frames * PayloadSize || !_buffer.AsSpan().SequenceEqual(payload))
        {
            throw new InvalidOperationException($"{method} did not receive the {Frames} frames of {PayloadSize} bytes intact (got {total} bytes).");
        }

        Array.Clear(_buffer);
    }
}

using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// permessage-deflate echo round trip in memory (docs/architecture.md, "Performance goals" target: at most 0.7× ManagedWebSocket's time with
/// <c>DangerousDeflateOptions</c>, same or better ratio): the client compresses and sends JSON-like text, the server
/// inflates it, compresses it back, the client inflates the reply. Both stacks run on the same synchronous in-memory
/// transport, window 15, zlib level 6 (ManagedWebSocket's fixed level), with and without context takeover.
/// </summary>
/// <remarks>
/// Each call sends the next of eight different seeded documents, so that context takeover helps as it does for a
/// stream of similar messages, without the degenerate case of one message repeated (which takeover turns into a
/// single back-reference). The setup prints each side's compressed frame sizes for the eight documents, so the ratio
/// is compared next to the time.
/// </remarks>
[MemoryDiagnoser]
public class DeflateEchoBenchmarks
{
    private const int RingCapacity = 1 << 18;
    private const int Documents = 8;

    private byte[][] _payloads = [];
    private byte[] _serverBuffer = [];
    private byte[] _clientBuffer = [];
    private WebSocket _managedClient = null!;
    private WebSocket _managedServer = null!;
    private MessageConnection _client = null!;
    private MessageConnection _server = null!;
    private LockFreeDuplexStream _managedServerStream = null!;
    private LockFreeDuplexStream _serverStream = null!;
    private int _next;

    [Params(4 * 1024, 64 * 1024)]
    public int Size { get; set; }

    [Params(true, false)]
    public bool ContextTakeover { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payloads = new byte[Documents][];
        for (int i = 0; i < Documents; i++)
        {
            _payloads[i] = Payloads.JsonLike(Size, seed: 1000 + i);
        }

        _serverBuffer = new byte[Size];
        _clientBuffer = new byte[Size];

        var managedDeflate = new WebSocketDeflateOptions { ClientContextTakeover = ContextTakeover, ServerContextTakeover = ContextTakeover };
        (LockFreeDuplexStream managedClientStream, _managedServerStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _managedClient = WebSocket.CreateFromStream(managedClientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero, DangerousDeflateOptions = managedDeflate });
        _managedServer = WebSocket.CreateFromStream(_managedServerStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero, DangerousDeflateOptions = managedDeflate });

        var agreed = new PerMessageDeflateOptions { ClientContextTakeover = ContextTakeover, ServerContextTakeover = ContextTakeover };
        (LockFreeDuplexStream clientStream, _serverStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client, PerMessageDeflate = agreed });
        _server = new MessageConnection(_serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server, PerMessageDeflate = agreed });

        ReportCompressedSizes();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _managedClient.Dispose();
        _managedServer.Dispose();
        _client.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<int> ManagedWebSocket()
        => ManagedEcho.RoundTripAsync(_managedClient, _managedServer, NextPayload(), WebSocketMessageType.Text, _serverBuffer, _clientBuffer);

    [Benchmark]
    public async ValueTask<int> Shockwave()
    {
        byte[] payload = NextPayload();
        await _client.WriteMessageAsync(WebSocketMessageType.Text, payload).ConfigureAwait(false);

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

    private byte[] NextPayload()
    {
        byte[] payload = _payloads[_next];
        _next = (_next + 1) % Documents;
        return payload;
    }

    // One pass over the eight documents with each stack, measuring the client's compressed frame (bytes waiting in
    // the server's inbound ring before it reads) and checking every echo; then a second pass, which is the steady state
    // with context takeover.
    private void ReportCompressedSizes()
    {
        long ours = 0;
        long theirs = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            ours = theirs = 0;
            for (int i = 0; i < Documents; i++)
            {
                byte[] payload = _payloads[i];
                _managedClient.SendAsync(payload.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                theirs += _managedServerStream.Available;
                Check(ManagedWebSocketAfterSend(), payload, nameof(ManagedWebSocket));

                _client.WriteMessageAsync(WebSocketMessageType.Text, payload).AsTask().GetAwaiter().GetResult();
                ours += _serverStream.Available;
                Check(ShockwaveAfterSend(), payload, nameof(Shockwave));
            }
        }

        _next = 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// DeflateEcho Size={Size} ContextTakeover={ContextTakeover}: client frame per message, average of {Documents} documents: Shockwave {ours / Documents} B, ManagedWebSocket {theirs / Documents} B (payload {Size} B; ratio {(double)Size * Documents / ours:0.00} vs {(double)Size * Documents / theirs:0.00})"));
    }

    private int ManagedWebSocketAfterSend()
    {
        int received = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = _managedServer.ReceiveAsync(_serverBuffer.AsMemory(received), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            received += result.Count;
        }
        while (!result.EndOfMessage);

        _managedServer.SendAsync(_serverBuffer.AsMemory(0, received), result.MessageType, true, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        int replied = 0;
        do
        {
            result = _managedClient.ReceiveAsync(_clientBuffer.AsMemory(replied), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            replied += result.Count;
        }
        while (!result.EndOfMessage);

        return replied;
    }

    private int ShockwaveAfterSend()
    {
        int received = 0;
        MessageReadResult result;
        do
        {
            result = _server.ReadMessageIntoAsync(_serverBuffer.AsMemory(received)).AsTask().GetAwaiter().GetResult();
            received += result.Count;
        }
        while (!result.EndOfMessage);

        _server.WriteMessageAsync(result.MessageType, _serverBuffer.AsMemory(0, received)).AsTask().GetAwaiter().GetResult();
        int replied = 0;
        do
        {
            result = _client.ReadMessageIntoAsync(_clientBuffer.AsMemory(replied)).AsTask().GetAwaiter().GetResult();
            replied += result.Count;
        }
        while (!result.EndOfMessage);

        return replied;
    }

    private void Check(int length, byte[] payload, string method)
    {
        if (length != Size || !_clientBuffer.AsSpan(0, length).SequenceEqual(payload))
        {
            throw new InvalidOperationException($"{method} did not echo the {Size}-byte document (got {length} bytes).");
        }
    }
}

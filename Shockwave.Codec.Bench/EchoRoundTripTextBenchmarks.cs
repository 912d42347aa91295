using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// The echo round trip of <see cref="EchoRoundTripBenchmarks"/> for a client that starts from a <see cref="string"/>:
/// ours sends it with <c>WriteTextAsync</c>, transcoding straight into the frame; the baseline does what a
/// ManagedWebSocket user must, <c>Encoding.UTF8.GetBytes</c> into a reused buffer and then <c>SendAsync</c>. The server
/// reads into its buffer and echoes the bytes; the client reads the reply into its buffer (not decoded: that cost would
/// be the same on both sides). Same transport, targets and sizes (UTF-8 bytes) as the binary class.
/// </summary>
[MemoryDiagnoser]
public class EchoRoundTripTextBenchmarks
{
    private const int RingCapacity = 1 << 17;

    private string _text = string.Empty;
    private byte[] _utf8 = [];
    private byte[] _sendBuffer = [];
    private byte[] _serverBuffer = [];
    private byte[] _clientBuffer = [];
    private WebSocket _managedClient = null!;
    private WebSocket _managedServer = null!;
    private MessageConnection _client = null!;
    private MessageConnection _server = null!;

    [Params(16, 1024, 64 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = Payloads.ChatText(Size);
        _utf8 = Encoding.UTF8.GetBytes(_text);
        _sendBuffer = new byte[Size];
        _serverBuffer = new byte[Size];
        _clientBuffer = new byte[Size];

        (LockFreeDuplexStream managedClientStream, LockFreeDuplexStream managedServerStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _managedClient = WebSocket.CreateFromStream(managedClientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        _managedServer = WebSocket.CreateFromStream(managedServerStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });

        (LockFreeDuplexStream clientStream, LockFreeDuplexStream serverStream) = LockFreeDuplexStream.CreatePair(RingCapacity);
        _client = new MessageConnection(clientStream, new MessageConnectionOptions { Role = WebSocketRole.Client });
        _server = new MessageConnection(serverStream, new MessageConnectionOptions { Role = WebSocketRole.Server });

        Check(ManagedWebSocket().AsTask().GetAwaiter().GetResult(), nameof(ManagedWebSocket));
        Check(WriteTextAsync().AsTask().GetAwaiter().GetResult(), nameof(WriteTextAsync));
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
    {
        int length = Encoding.UTF8.GetBytes(_text, _sendBuffer);
        return ManagedEcho.RoundTripAsync(_managedClient, _managedServer, _sendBuffer.AsMemory(0, length), WebSocketMessageType.Text, _serverBuffer, _clientBuffer);
    }

    [Benchmark]
    public async ValueTask<int> WriteTextAsync()
    {
        await _client.WriteTextAsync(_text).ConfigureAwait(false);

        int received = 0;
        MessageReadResult result;
        do
        {
            result = await _server.ReadMessageIntoAsync(_serverBuffer.AsMemory(received)).ConfigureAwait(false);
            received += result.Count;
        }
        while (!result.EndOfMessage);

        await _server.WriteMessageAsync(WebSocketMessageType.Text, _serverBuffer.AsMemory(0, received)).ConfigureAwait(false);

        int replied = 0;
        do
        {
            result = await _client.ReadMessageIntoAsync(_clientBuffer.AsMemory(replied)).ConfigureAwait(false);
            replied += result.Count;
        }
        while (!result.EndOfMessage);

        return replied;
    }

    private void Check(int length, string method)
    {
        if (length != Size || !_clientBuffer.AsSpan().SequenceEqual(_utf8))
        {
            throw new InvalidOperationException($"{method} did not echo the {Size}-byte text message (got {length} bytes).");
        }

        Array.Clear(_clientBuffer);
    }
}

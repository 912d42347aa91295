#if !CODEC_NETSTANDARD
using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Echo;

/// <summary>
/// A client that writes raw frames after a real handshake, so tests can send what no well-behaved client would
/// (unmasked frames, invalid UTF-8, oversized messages) and read the server's close frame byte for byte.
/// </summary>
internal sealed class RawWebSocketClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private byte[] _pending;

    private RawWebSocketClient(TcpClient tcp, byte[] pending)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _pending = pending;
    }

    public NetworkStream Stream => _stream;

    public static async Task<RawWebSocketClient> ConnectAsync(int port, string path = "/")
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Timeout);
        var handshake = new ClientHandshake(new Uri($"ws://127.0.0.1:{port}{path}"));
        NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(handshake.CreateRequest());
        byte[] buffer = new byte[4096];
        while (true)
        {
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
            Assert.NotEqual(0, read);
            OperationStatus status = handshake.ReadResponse(buffer.AsSpan(0, read), out int consumed);
            if (status == OperationStatus.Done)
            {
                return new RawWebSocketClient(tcp, buffer[consumed..read]);
            }

            Assert.Equal(OperationStatus.NeedMoreData, status);
        }
    }

    /// <summary>Writes one frame; masked with a fixed key unless <paramref name="masked"/> is false.</summary>
    public async Task SendFrameAsync(Opcode opcode, byte[] payload, bool fin = true, bool masked = true)
    {
        byte[] frame = new byte[FrameHeader.GetHeaderLength(payload.Length, masked) + payload.Length];
        var writer = new FrameWriter(frame);
        writer.WriteFrame(new FrameHeader(fin, opcode, payload.Length, masked, masked ? 0x5A17C0DEu : 0u), payload);
        await _stream.WriteAsync(frame);
    }

    /// <summary>Reads the next frame the server sends.</summary>
    public async Task<(FrameHeader Header, byte[] Payload)> ReadFrameAsync()
    {
        byte[] buffer = new byte[65536];
        while (true)
        {
            if (TryTakeFrame(out FrameHeader header, out byte[] payload))
            {
                return (header, payload);
            }

            int read = await _stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
            Assert.True(read > 0, "the server closed the connection without a close frame");
            _pending = [.. _pending, .. buffer.AsSpan(0, read)];
        }
    }

    /// <summary>Reads frames until the server's close frame, and returns its status and reason.</summary>
    public async Task<(WebSocketCloseStatus Status, string Reason)> ReadCloseAsync()
    {
        while (true)
        {
            (FrameHeader header, byte[] payload) = await ReadFrameAsync();
            if (header.Opcode == Opcode.Close)
            {
                Assert.True(payload.Length >= 2, "a close frame from the server carries a status");
                return ((WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload), Encoding.UTF8.GetString(payload, 2, payload.Length - 2));
            }
        }
    }

    /// <summary>Whether the server closes the TCP connection (read returns 0, or a reset) within the timeout.</summary>
    public async Task<bool> ServerClosesTransportAsync()
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }

    private bool TryTakeFrame(out FrameHeader header, out byte[] payload)
    {
        var parser = new FrameHeaderParser(WebSocketRole.Client);
        payload = [];
        if (parser.Parse(_pending, out header, out int headerLength) != OperationStatus.Done || _pending.Length - headerLength < header.PayloadLength)
        {
            return false;
        }

        payload = _pending.AsSpan(headerLength, (int)header.PayloadLength).ToArray();
        _pending = _pending[(headerLength + payload.Length)..];
        return true;
    }
}
#endif

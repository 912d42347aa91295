#if !CODEC_NETSTANDARD
using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Shockwave.Codec.Tests.Echo;
using Xunit;
using Xunit.Sdk;

namespace Shockwave.Codec.Tests.Conformance;

/// <summary>
/// A raw TCP client that drives a server the way Autobahn|Testsuite's fuzzing client does: after a real opening
/// handshake it writes exact bytes (masked client frames built here, by hand, including ones no client should send),
/// in one write or chopped with pauses, and reads back what the server sends as <see cref="ServerEvent"/>s.
/// </summary>
/// <remarks>
/// Frames are built and parsed here without the library's <see cref="FrameWriter"/>, <see cref="FrameHeaderParser"/>
/// or <see cref="Masker"/>, so the server under test is checked against an independent reading of RFC 6455 §5.2.
/// Every server frame is checked as it arrives: unmasked (§5.1), no RSV bits (§5.2, no extension was negotiated),
/// the shortest length encoding, a known opcode, text messages valid UTF-8 (§5.6), control frames unfragmented and at most 125 bytes (§5.5), continuations only inside a message and
/// no new message inside one (§5.4), and nothing at all after a close frame (§5.5.1).
/// </remarks>
internal sealed class ConformanceClient : IDisposable
{
    /// <summary>How long any one read waits for the server; a server that says nothing fails the test instead of hanging it.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long after its close frame the server may take to close the TCP connection. Autobahn allows 1 s; the echo
    /// server closes at once, but this suite shares 2 cores with parallel test classes, so the bound is 3 s: still
    /// below the server's 5 s close timeout, so a server that waited for the client to close first would fail.
    /// </summary>
    public static readonly TimeSpan CloseToTransportLimit = TimeSpan.FromSeconds(3);

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private uint _keyState = 0x2545F491;   // fixed seed: the mask keys differ per frame but every run sends the same bytes
    private ServerEventKind? _messageKind;
    private ArrayBufferWriter<byte>? _message;
    private int _messageFrames;
    private bool _closeReceived;
    private Decoder? _textDecoder;
    private readonly char[] _scratchChars = new char[16 * 1024];
    private long _closeReceivedAt;
    private bool _transportClosed;
    private bool _transportReset;
    private readonly EchoServerHost _host;

    private ConformanceClient(TcpClient tcp, EchoServerHost host)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _host = host;
    }

    /// <summary>The Sec-WebSocket-Extensions the server accepted, or <see langword="null"/>.</summary>
    public string? Extensions { get; private set; }

    /// <summary>
    /// Opens a TCP connection to 127.0.0.1 and completes the opening handshake with the echo server of
    /// <paramref name="host"/>, whose log a failed expectation then quotes.
    /// </summary>
    /// <param name="host">The server.</param>
    /// <param name="extensionOffer">A Sec-WebSocket-Extensions offer to send, as Autobahn sections 12 and 13 do.</param>
    public static async Task<ConformanceClient> ConnectAsync(EchoServerHost host, string? extensionOffer = null)
    {
        int port = host.Port;
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(ReadTimeout);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        var client = new ConformanceClient(tcp, host);
        try
        {
            var handshake = new ClientHandshake(new Uri($"ws://127.0.0.1:{port}/conformance"), new ClientHandshakeOptions { Extensions = extensionOffer });
            await client._stream.WriteAsync(handshake.CreateRequest());
            while (true)
            {
                Assert.True(await client.FillAsync(), "the server closed the connection during the handshake");
                OperationStatus status = handshake.ReadResponse(client._buffer.AsSpan(client._start, client._end - client._start), out int consumed);
                if (status == OperationStatus.Done)
                {
                    // Whatever followed the 101 head is already frames.
                    client._start += consumed;
                    client.Extensions = handshake.Extensions;
                    return client;
                }

                Assert.Equal(OperationStatus.NeedMoreData, status);
            }
        }
        catch (XunitException ex)
        {
            // A handshake the server refused or cut off is explained like any other failed expectation.
            XunitException explained = await client.ExplainAsync(ex);
            client.Dispose();
            throw explained;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a TCP connection to 127.0.0.1, writes <paramref name="request"/> as it is and reads the response head,
    /// for tests of the exact request another client (Autobahn's) sends.
    /// </summary>
    /// <param name="host">The server.</param>
    /// <param name="request">The whole request head.</param>
    /// <returns>The client, positioned after the response head, and the head itself.</returns>
    public static async Task<(ConformanceClient Client, string ResponseHead)> ConnectRawAsync(EchoServerHost host, string request)
    {
        int port = host.Port;
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(ReadTimeout);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        var client = new ConformanceClient(tcp, host);
        try
        {
            await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            while (true)
            {
                int end = client._buffer.AsSpan(0, client._end).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    client._start = end + 4;
                    return (client, Encoding.ASCII.GetString(client._buffer, 0, end + 4));
                }

                Assert.True(await client.FillAsync(), "the server closed the connection before the end of its response head");
            }
        }
        catch (XunitException ex)
        {
            // A handshake the server refused or cut off is explained like any other failed expectation.
            XunitException explained = await client.ExplainAsync(ex);
            client.Dispose();
            throw explained;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A masked client frame with the next key. <paramref name="first"/> is the whole first header byte: FIN, RSV1–3, opcode.</summary>
    public byte[] Frame(int first, ReadOnlySpan<byte> payload) => Build(first, payload, NextKey(), masked: true, declaredLength: null);

    /// <summary>A masked frame with FIN set and no RSV bits.</summary>
    public byte[] Frame(Opcode opcode, ReadOnlySpan<byte> payload) => Frame(0x80 | (int)opcode, payload);

    /// <summary>A frame without a mask, which RFC 6455 §5.1 forbids a client to send.</summary>
    public static byte[] UnmaskedFrame(int first, ReadOnlySpan<byte> payload) => Build(first, payload, 0, masked: false, declaredLength: null);

    /// <summary>Only the header of a masked frame, with a 64-bit length field holding <paramref name="declaredLength"/> as given.</summary>
    public byte[] HeaderWith64BitLength(int first, ulong declaredLength) => Build(first, [], NextKey(), masked: true, declaredLength);

    /// <summary>A close frame payload: the big-endian code and the reason bytes.</summary>
    public static byte[] ClosePayload(int code, ReadOnlySpan<byte> reason) => [(byte)(code >> 8), (byte)code, .. reason];

    /// <summary>Writes all of <paramref name="parts"/> in one write call ("in one chop", as Autobahn says).</summary>
    /// <returns><see langword="false"/> when the server had already closed the connection (a server that fails the
    /// connection early may do so before the client has written everything).</returns>
    public Task<bool> SendAsync(params byte[][] parts) => SendChoppedAsync(parts.Length == 1 ? parts[0] : [.. parts.SelectMany(p => p)], int.MaxValue, TimeSpan.Zero);

    /// <summary>Writes <paramref name="bytes"/> in pieces of <paramref name="chop"/> bytes, pausing between them.</summary>
    /// <returns><see langword="false"/> when the server closed the connection before everything was written.</returns>
    public async Task<bool> SendChoppedAsync(byte[] bytes, int chop, TimeSpan pause)
    {
        for (int offset = 0; offset < bytes.Length; offset += chop)
        {
            try
            {
                await _stream.WriteAsync(bytes.AsMemory(offset, Math.Min(chop, bytes.Length - offset))).AsTask().WaitAsync(ReadTimeout);
            }
            catch (IOException)
            {
                // The server reset the connection: whatever it sent before is still in our receive buffer to check.
                return false;
            }

            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }
        }

        return true;
    }

    /// <summary>The next whole message, control frame, or the end of the connection.</summary>
    public Task<ServerEvent> ReadEventAsync() => Explained(NextEventAsync());

    private async Task<ServerEvent> NextEventAsync()
    {
        while (true)
        {
            if (_transportClosed)
            {
                return new ServerEvent(ServerEventKind.TransportClosed, []);
            }

            ServerEvent? ev = await ReadFrameAsync();
            if (ev is not null)
            {
                return ev;
            }
        }
    }

    /// <summary>Asserts that the next event is a message of <paramref name="kind"/> carrying exactly <paramref name="payload"/>.</summary>
    public Task<ServerEvent> ExpectMessageAsync(ServerEventKind kind, byte[] payload) => Explained(CheckMessageAsync(kind, payload));

    private async Task<ServerEvent> CheckMessageAsync(ServerEventKind kind, byte[] payload)
    {
        ServerEvent ev = await NextEventAsync();
        Assert.Equal(kind, ev.Kind);
        Assert.Equal(payload.Length, ev.Payload.Length);
        Assert.True(payload.AsSpan().SequenceEqual(ev.Payload), "the echoed payload differs from what was sent");
        return ev;
    }

    /// <summary>Asserts that the next event is a pong carrying <paramref name="payload"/>.</summary>
    public Task ExpectPongAsync(byte[] payload) => Explained(CheckPongAsync(payload));

    private async Task CheckPongAsync(byte[] payload)
    {
        ServerEvent ev = await NextEventAsync();
        Assert.Equal(ServerEventKind.Pong, ev.Kind);
        Assert.Equal(payload, ev.Payload);
    }

    /// <summary>
    /// Asserts that the server failed the connection (RFC 6455 §7.1.7): a close frame with <paramref name="code"/> is
    /// the next thing it sends, and then it closes the TCP connection without waiting for our close (§7.1.1: the
    /// server closes first), and nothing else comes.
    /// </summary>
    public Task ExpectFailureAsync(int code) => Explained(CheckFailureAsync(code));

    private async Task CheckFailureAsync(int code)
    {
        ServerEvent ev = await NextEventAsync();
        Assert.True(ev.Kind == ServerEventKind.Close, $"expected a close with {code}, got {ev}");
        Assert.Equal(code, ev.CloseCode);
        await CheckTransportClosedAsync();
    }

    /// <summary>Asserts that the next event is a close with <paramref name="code"/> (or an empty close for <see langword="null"/>).</summary>
    public Task<ServerEvent> ExpectCloseAsync(int? code) => Explained(CheckCloseAsync(code));

    private async Task<ServerEvent> CheckCloseAsync(int? code)
    {
        ServerEvent ev = await NextEventAsync();
        Assert.True(ev.Kind == ServerEventKind.Close, $"expected a close with {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no code"}, got {ev}");
        Assert.Equal(code, ev.CloseCode);
        return ev;
    }

    /// <summary>Asserts that the server closes the TCP connection (we keep ours open) and sends nothing more first.</summary>
    public Task ExpectTransportClosedAsync() => Explained(CheckTransportClosedAsync());

    private async Task CheckTransportClosedAsync()
    {
        ServerEvent ev = await NextEventAsync();
        Assert.True(ev.Kind == ServerEventKind.TransportClosed, $"expected the server to close the TCP connection, got {ev}");
        if (_closeReceived)
        {
            // Autobahn gives the server one second after the close handshake before it drops the connection itself
            // and reports "It is preferred that the server close the TCP connection".
            TimeSpan waited = Stopwatch.GetElapsedTime(_closeReceivedAt);
            Assert.True(waited < CloseToTransportLimit, $"the server closed the TCP connection {waited.TotalMilliseconds:0} ms after its close frame");
        }
    }

    /// <summary>
    /// A failed expectation, explained: how the TCP connection ended (if it did) and what the server logged, which
    /// together tell a wrong server answer from a lost one. Rare failures under CI load are only diagnosable this way.
    /// </summary>
    private async Task<T> Explained<T>(Task<T> check)
    {
        await Explained((Task)check);
        return await check;
    }

    private async Task Explained(Task check)
    {
        try
        {
            await check;
        }
        catch (XunitException ex)
        {
            throw await ExplainAsync(ex);
        }
    }

    private async Task<XunitException> ExplainAsync(XunitException ex)
    {
        // The server logs a connection when it ends; give it a moment to get there.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        string transport = !_transportClosed ? "still open" : _transportReset ? "reset by the server" : "closed by the server";
        return new XunitException(
            $"{ex.Message}{Environment.NewLine}TCP connection: {transport}; {_end - _start} unread byte(s).{Environment.NewLine}Server log:{Environment.NewLine}{_host.RecentLog}",
            ex);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }

    private static byte[] Build(int first, ReadOnlySpan<byte> payload, uint key, bool masked, ulong? declaredLength)
    {
        // RFC 6455 §5.2: 7-bit length, or 126 + 16-bit, or 127 + 64-bit (big-endian); MASK bit and 4-byte key.
        ulong length = declaredLength ?? (ulong)payload.Length;
        int lengthBytes = declaredLength is not null ? 8 : length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        int headerLength = 2 + lengthBytes + (masked ? 4 : 0);
        byte[] frame = new byte[headerLength + payload.Length];
        frame[0] = (byte)first;
        frame[1] = (byte)((masked ? 0x80 : 0) | (lengthBytes switch { 0 => (int)length, 2 => 126, _ => 127 }));
        for (int i = 0; i < lengthBytes; i++)
        {
            frame[2 + i] = (byte)(length >> (8 * (lengthBytes - 1 - i)));
        }

        if (masked)
        {
            for (int i = 0; i < 4; i++)
            {
                frame[2 + lengthBytes + i] = (byte)(key >> (24 - (8 * i)));
            }
        }

        for (int i = 0; i < payload.Length; i++)
        {
            // §5.3: octet i of the payload is XORed with octet (i mod 4) of the key.
            frame[headerLength + i] = masked ? (byte)(payload[i] ^ frame[2 + lengthBytes + (i & 3)]) : payload[i];
        }

        return frame;
    }

    private uint NextKey()
    {
        // xorshift32: deterministic, never zero, so a zero key (legal, but a weak test of unmasking) never appears.
        _keyState ^= _keyState << 13;
        _keyState ^= _keyState >> 17;
        _keyState ^= _keyState << 5;
        return _keyState;
    }

    /// <summary>Reads one frame; returns an event when it completes one, <see langword="null"/> for a non-final data frame.</summary>
    private async Task<ServerEvent?> ReadFrameAsync()
    {
        if (!await EnsureAsync(2))
        {
            return TransportEnded();
        }

        byte b0 = _buffer[_start];
        byte b1 = _buffer[_start + 1];
        int lengthBytes = (b1 & 0x7F) switch { 126 => 2, 127 => 8, _ => 0 };
        Assert.True((b1 & 0x80) == 0, "RFC 6455 §5.1: a server MUST NOT mask any frames that it sends to the client");
        Assert.True((b0 & 0x70) == 0, "RFC 6455 §5.2: RSV bits set without a negotiated extension");
        if (!await EnsureAsync(2 + lengthBytes))
        {
            Assert.Fail("the server closed the connection inside a frame header");
        }

        ulong length = (ulong)(b1 & 0x7F);
        if (lengthBytes > 0)
        {
            length = 0;
            for (int i = 0; i < lengthBytes; i++)
            {
                length = (length << 8) | _buffer[_start + 2 + i];
            }
        }

        Assert.True(lengthBytes == 0 || length > (lengthBytes == 2 ? 125UL : 0xFFFFUL), "RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length");
        Assert.True(length <= 256 * 1024 * 1024, $"a server frame of {length} bytes is more than any test sends");
        int headerLength = 2 + lengthBytes;
        if (!await EnsureAsync(headerLength + (int)length))
        {
            Assert.Fail("the server closed the connection inside a frame payload");
        }

        byte[] payload = _buffer.AsSpan(_start + headerLength, (int)length).ToArray();
        _start += headerLength + (int)length;
        bool fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        Assert.False(_closeReceived, "RFC 6455 §5.5.1: nothing may follow a close frame");
        if (opcode >= 8)
        {
            Assert.True(fin && length <= 125, "RFC 6455 §5.5: control frames are not fragmented and carry at most 125 bytes");
            switch (opcode)
            {
                case 8:
                    _closeReceived = true;
                    _closeReceivedAt = Stopwatch.GetTimestamp();
                    return new ServerEvent(ServerEventKind.Close, payload);
                case 9:
                    return new ServerEvent(ServerEventKind.Ping, payload);
                case 10:
                    return new ServerEvent(ServerEventKind.Pong, payload);
                default:
                    Assert.Fail($"RFC 6455 §5.2: reserved control opcode {opcode} from the server");
                    return null;
            }
        }

        if (opcode == 0)
        {
            Assert.True(_messageKind is not null, "RFC 6455 §5.4: a continuation frame with no message to continue");
        }
        else
        {
            Assert.True(opcode is 1 or 2, $"RFC 6455 §5.2: reserved data opcode {opcode} from the server");
            Assert.True(_messageKind is null, "RFC 6455 §5.4: a new message began inside a fragmented one");
            _messageKind = opcode == 1 ? ServerEventKind.Text : ServerEventKind.Binary;
            _message = new ArrayBufferWriter<byte>(Math.Max(1, payload.Length));
            _messageFrames = 0;
        }

        _message!.Write(payload);
        _messageFrames++;
        if (_messageKind == ServerEventKind.Text)
        {
            CheckText(payload, fin);
        }

        if (!fin)
        {
            return null;
        }

        var message = new ServerEvent(_messageKind!.Value, _message!.WrittenSpan.ToArray(), _messageFrames);
        _messageKind = null;
        _message = null;
        return message;
    }

    /// <summary>
    /// RFC 6455 §5.6: text is UTF-8. Checked fragment by fragment, so a server that echoed bytes already known to be
    /// invalid (before failing the connection itself) is caught even when the message never completes; Autobahn's
    /// client would fail such a connection from its side.
    /// </summary>
    private void CheckText(ReadOnlySpan<byte> fragment, bool fin)
    {
        _textDecoder ??= s_strictUtf8.GetDecoder();
        try
        {
            bool completed;
            do
            {
                _textDecoder.Convert(fragment, _scratchChars, flush: fin, out int bytesUsed, out _, out completed);
                fragment = fragment.Slice(bytesUsed);
            }
            while (!completed || fragment.Length > 0);
        }
        catch (DecoderFallbackException)
        {
            Assert.Fail("RFC 6455 §5.6: the server sent a text frame that is not valid UTF-8");
        }

        if (fin)
        {
            _textDecoder = null;
        }
    }

    private ServerEvent TransportEnded()
    {
        Assert.True(_end == _start, "the server closed the connection inside a frame");
        Assert.True(_messageKind is null || _closeReceived, "the server closed the connection inside a message without a close frame");
        _transportClosed = true;
        return new ServerEvent(ServerEventKind.TransportClosed, []);
    }

    /// <summary>Reads until <paramref name="count"/> bytes are buffered; <see langword="false"/> when the server closed first.</summary>
    private async Task<bool> EnsureAsync(int count)
    {
        while (_end - _start < count)
        {
            if (_buffer.Length - _start < count)
            {
                byte[] larger = new byte[Math.Max(count, _buffer.Length * 2)];
                _buffer.AsSpan(_start, _end - _start).CopyTo(larger);
                _end -= _start;
                _start = 0;
                _buffer = larger;
            }
            else if (_start > 0 && _buffer.Length - _end < 4096)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (!await FillAsync())
            {
                return false;
            }
        }

        return true;
    }

    private async Task<bool> FillAsync()
    {
        if (_transportClosed)
        {
            return false;
        }

        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end)).AsTask().WaitAsync(ReadTimeout);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            // A reset after the close frame is still the server dropping the connection (§7.1.7 allows either).
            read = 0;
            _transportReset = true;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The server sent nothing for {ReadTimeout.TotalSeconds} s.");
        }

        if (read == 0)
        {
            _transportClosed = true;
            return false;
        }

        _end += read;
        return true;
    }
}
#endif

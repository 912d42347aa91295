using System.Net.WebSockets;
using Xunit;
using static Shockwave.Codec.Tests.Interop.AdapterTestKit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// Where <see cref="ShockwaveWebSocket"/> deliberately does not do what .NET's implementation does, each test runs both
/// and pins the difference down, so that it is known, named and cannot grow unnoticed. Most are .NET accepting or
/// sending what RFC 6455 forbids; the rest are choices of MessageConnection that the adapter keeps.
/// </summary>
public class AdapterDifferenceTests
{
    private const WebSocketImplementation Managed = WebSocketImplementation.Managed;
    private const WebSocketImplementation Shockwave = WebSocketImplementation.Shockwave;

    [Fact]
    public async Task Empty_status_goes_out_without_a_code_where_ManagedWebSocket_puts_1005_on_the_wire()
    {
        // RFC 6455 §7.4.1: 1005 "MUST NOT be set as a status code in a Close control frame"; no code means 1005.
        Assert.Equal(Convert.FromHexString("880203ED"), await CloseFrameOnTheWire(Managed, WebSocketCloseStatus.Empty));
        Assert.Equal(Convert.FromHexString("8800"), await CloseFrameOnTheWire(Shockwave, WebSocketCloseStatus.Empty));

        // So a .NET peer fails on ManagedWebSocket's close, and reads the adapter's as NormalClosure.
        using (Link managed = Connect(Managed))
        {
            await Bounded(managed.Local.CloseOutputAsync(WebSocketCloseStatus.Empty, null, default));
            WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => Bounded(managed.Peer.ReceiveAsync(Segment(new byte[8]), default)));
            Assert.Equal(WebSocketError.Faulted, ex.WebSocketErrorCode);
        }

        using (Link adapter = Connect(Shockwave))
        {
            await Bounded(adapter.Local.CloseOutputAsync(WebSocketCloseStatus.Empty, null, default));
            WebSocketReceiveResult close = await Bounded(adapter.Peer.ReceiveAsync(Segment(new byte[8]), default));
            Assert.Equal((WebSocketMessageType.Close, WebSocketCloseStatus.NormalClosure, string.Empty), (close.MessageType, close.CloseStatus, close.CloseStatusDescription));
        }
    }

    [Theory]
    [InlineData(1004)]
    [InlineData(1016)]
    [InlineData(2999)]
    [InlineData(5000)]
    public async Task Codes_that_may_never_be_sent_are_refused_by_the_adapter_and_sent_by_ManagedWebSocket(int code)
    {
        // RFC 6455 §7.4: 1004 is reserved, 1016–2999 are for future revisions, 5000 and above do not exist.
        using (Link managed = Connect(Managed))
        {
            await Bounded(managed.Local.CloseOutputAsync((WebSocketCloseStatus)code, null, default));
            Assert.Equal(WebSocketState.CloseSent, managed.Local.State);

            // ...which .NET itself refuses when it receives one.
            WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => Bounded(managed.Peer.ReceiveAsync(Segment(new byte[8]), default)));
            Assert.Equal(WebSocketError.Faulted, ex.WebSocketErrorCode);
        }

        using (Link adapter = Connect(Shockwave))
        {
            Assert.Equal("closeStatus", ThrowsAtOnce<ArgumentException>(() => adapter.Local.CloseOutputAsync((WebSocketCloseStatus)code, null, default)).ParamName);
            Assert.Equal("closeStatus", ThrowsAtOnce<ArgumentException>(() => adapter.Local.CloseAsync((WebSocketCloseStatus)code, null, default)).ParamName);
            Assert.Equal(WebSocketState.Open, adapter.Local.State);
        }
    }

    [Fact]
    public void A_code_that_may_never_be_sent_with_a_too_long_description_is_refused_for_its_code_by_the_adapter()
    {
        // ManagedWebSocket accepts 1004 and so only finds the description too long; the adapter's rule
        // (CloseFrame.CheckForSending) checks the code first (RFC 6455 §7.4) and names it.
        string tooLong = new('a', 124);
        using (Link managed = Connect(Managed))
        {
            Assert.Equal("statusDescription", ThrowsAtOnce<ArgumentException>(() => managed.Local.CloseOutputAsync((WebSocketCloseStatus)1004, tooLong, default)).ParamName);
        }

        using Link adapter = Connect(Shockwave);
        Assert.Equal("closeStatus", ThrowsAtOnce<ArgumentException>(() => adapter.Local.CloseOutputAsync((WebSocketCloseStatus)1004, tooLong, default)).ParamName);
        Assert.Equal("closeStatus", ThrowsAtOnce<ArgumentException>(() => adapter.Local.CloseAsync((WebSocketCloseStatus)1004, tooLong, default)).ParamName);
        Assert.Equal(WebSocketState.Open, adapter.Local.State);
    }

    [Fact]
    public async Task An_empty_non_final_fragment_gives_ManagedWebSocket_a_result_and_the_adapter_none()
    {
        // MessageConnection skips an empty frame that neither carries bytes nor ends the message.
        Assert.Equal([(WebSocketMessageType.Binary, 0, false), (WebSocketMessageType.Binary, 1, true)], await ReceiveAfterEmptyFragment(Managed));
        Assert.Equal([(WebSocketMessageType.Binary, 1, true)], await ReceiveAfterEmptyFragment(Shockwave));
    }

    [Fact]
    public async Task After_a_protocol_error_the_adapter_closes_the_stream_where_ManagedWebSocket_leaves_it_open()
    {
        // RFC 6455 §7.1.7: failing the connection closes it. .NET closes the stream only when the socket is disposed.
        (WebSocket managed, DuplexStream managedRaw) = await FailWithReservedOpcode(Managed);
        using (managed)
        {
            managedRaw.Write([0x89, 0x80, 0, 0, 0, 0]);
        }

        (WebSocket adapter, DuplexStream adapterRaw) = await FailWithReservedOpcode(Shockwave);
        using (adapter)
        {
            Assert.Throws<IOException>(() => adapterRaw.Write([0x89, 0x80, 0, 0, 0, 0]));
            Assert.Empty(await ReadToEndAsync(adapterRaw));
        }
    }

    [Fact]
    public async Task The_adapter_names_the_broken_rule_in_its_close_reason_and_exception_where_ManagedWebSocket_gives_none()
    {
        (WebSocket managed, DuplexStream managedRaw) = ConnectRaw(Managed);
        using (managed)
        {
            managedRaw.Write(Convert.FromHexString("8380372FFA3D"));
            WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => Bounded(managed.ReceiveAsync(Segment(new byte[8]), default)));
            Assert.Null(ex.InnerException);
            Assert.Equal((1002, string.Empty), await ReadServerCloseFrameAsync(managedRaw));
        }

        (WebSocket adapter, DuplexStream adapterRaw) = ConnectRaw(Shockwave);
        using (adapter)
        {
            adapterRaw.Write(Convert.FromHexString("8380372FFA3D"));
            WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => Bounded(adapter.ReceiveAsync(Segment(new byte[8]), default)));
            WebSocketProtocolException cause = Assert.IsType<WebSocketProtocolException>(ex.InnerException);
            Assert.Equal((WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader), (cause.CloseStatus, cause.Error));
            (int code, string reason) = await ReadServerCloseFrameAsync(adapterRaw);
            Assert.Equal(1002, code);
            Assert.Equal(cause.Reason, reason);
            Assert.NotEmpty(reason);
        }
    }

    [Fact]
    public async Task A_length_not_in_its_shortest_form_is_refused_by_the_adapter_and_accepted_by_ManagedWebSocket()
    {
        // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length". Five bytes in the 16-bit form.
        byte[] frame = [.. Convert.FromHexString("82FE0005372FFA3D"), 1 ^ 0x37, 2 ^ 0x2F, 3 ^ 0xFA, 4 ^ 0x3D, 5 ^ 0x37];

        (WebSocket managed, DuplexStream managedRaw) = ConnectRaw(Managed);
        using (managed)
        {
            managedRaw.Write(frame);
            WebSocketReceiveResult read = await Bounded(managed.ReceiveAsync(Segment(new byte[8]), default));
            Assert.Equal((WebSocketMessageType.Binary, 5, true), (read.MessageType, read.Count, read.EndOfMessage));
        }

        Assert.Equal(1002, await ProtocolErrorCode(Shockwave, frame));
    }

    [Fact]
    public async Task A_close_reason_that_is_not_UTF8_is_answered_with_1007_by_the_adapter_and_1002_by_ManagedWebSocket()
    {
        // RFC 6455 §7.4.1: 1007 is for "data within a message that was not consistent with the type of the message".
        byte[] close = ClientFrame(0x88, 0x03, 0xE8, 0xFF);
        Assert.Equal(1002, await ProtocolErrorCode(Managed, close));
        Assert.Equal(1007, await ProtocolErrorCode(Shockwave, close));
    }

#if !CODEC_NETSTANDARD
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Permessage_deflate_options_make_the_adapter_talk_compressed_with_managed(bool adapterIsServer)
    {
        var deflate = new WebSocketDeflateOptions { ClientMaxWindowBits = 12, ServerContextTakeover = false };
        (DuplexStream adapterStream, DuplexStream managedStream) = DuplexStream.Create();
        using WebSocket adapter = ShockwaveWebSocket.CreateFromStream(adapterStream, new WebSocketCreationOptions { IsServer = adapterIsServer, DangerousDeflateOptions = deflate });
        using WebSocket managed = WebSocket.CreateFromStream(managedStream, new WebSocketCreationOptions { IsServer = !adapterIsServer, DangerousDeflateOptions = deflate });
        byte[] json = Payloads.JsonLike(40_000, seed: 12);
        byte[] buffer = new byte[64 * 1024];
        foreach (WebSocketMessageFlags flags in new[] { WebSocketMessageFlags.EndOfMessage, WebSocketMessageFlags.EndOfMessage | WebSocketMessageFlags.DisableCompression })
        {
            await adapter.SendAsync(json, WebSocketMessageType.Text, flags, CancellationToken.None);
            Assert.Equal(json, await ReceiveAllAsync(managed, buffer));
            await managed.SendAsync(json, WebSocketMessageType.Text, flags, CancellationToken.None);
            Assert.Equal(json, await ReceiveAllAsync(adapter, buffer));
        }

        // Fragments, the first one's flags for all.
        await adapter.SendAsync(json.AsMemory(0, 1000), WebSocketMessageType.Binary, WebSocketMessageFlags.None, CancellationToken.None);
        await adapter.SendAsync(json.AsMemory(1000), WebSocketMessageType.Binary, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
        Assert.Equal(json, await ReceiveAllAsync(managed, buffer));
    }

    private static async Task<byte[]> ReceiveAllAsync(WebSocket socket, byte[] buffer)
    {
        int length = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            length += result.Count;
            if (result.EndOfMessage)
            {
                return buffer[..length];
            }
        }
    }
#endif

    private static async Task<byte[]> CloseFrameOnTheWire(WebSocketImplementation implementation, WebSocketCloseStatus status)
    {
        (WebSocket server, DuplexStream raw) = ConnectRaw(implementation);
        using (server)
        {
            await Bounded(server.CloseOutputAsync(status, null, default));
            byte[] header = await ReadRawAsync(raw, 2);
            return [.. header, .. await ReadRawAsync(raw, header[1])];
        }
    }

    private static async Task<List<(WebSocketMessageType, int, bool)>> ReceiveAfterEmptyFragment(WebSocketImplementation implementation)
    {
        using Link link = Connect(implementation);
        await Bounded(link.Peer.SendAsync(Segment([]), WebSocketMessageType.Binary, false, default));
        await Bounded(link.Peer.SendAsync(Segment([7]), WebSocketMessageType.Binary, true, default));
        var results = new List<(WebSocketMessageType, int, bool)>();
        while (results.Count == 0 || !results[^1].Item3)
        {
            WebSocketReceiveResult read = await Bounded(link.Local.ReceiveAsync(Segment(new byte[8]), default));
            results.Add((read.MessageType, read.Count, read.EndOfMessage));
        }

        return results;
    }

    private static async Task<(WebSocket Server, DuplexStream Raw)> FailWithReservedOpcode(WebSocketImplementation implementation)
    {
        (WebSocket server, DuplexStream raw) = ConnectRaw(implementation);
        raw.Write(Convert.FromHexString("8380372FFA3D"));
        WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => Bounded(server.ReceiveAsync(Segment(new byte[8]), default)));
        Assert.Equal(WebSocketError.Faulted, ex.WebSocketErrorCode);
        Assert.Equal(1002, (await ReadServerCloseFrameAsync(raw)).Code);
        return (server, raw);
    }

    private static async Task<int> ProtocolErrorCode(WebSocketImplementation implementation, byte[] frame)
    {
        (WebSocket server, DuplexStream raw) = ConnectRaw(implementation);
        using (server)
        {
            raw.Write(frame);
            WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(() => Bounded(server.ReceiveAsync(Segment(new byte[8]), default)));
            Assert.Equal(WebSocketError.Faulted, ex.WebSocketErrorCode);
            return (await ReadServerCloseFrameAsync(raw)).Code;
        }
    }
}

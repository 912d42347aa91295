using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// A raw peer breaks RFC 6455 (or one of our limits) after one valid message. The valid message is delivered; then
/// the read throws <see cref="WebSocketProtocolException"/> with the right status, the peer receives a close frame
/// with that status, the connection ends Aborted with its transport closed, and every rented array is back.
/// </summary>
public class ProtocolViolationTests
{
    private sealed record Violation(WebSocketRole OurRole, WebSocketCloseStatus Status, DecodeError Error, Func<RawPeer, byte[][]> Frames, MessageConnectionOptions? Options = null);

    private static readonly Dictionary<string, Violation> Cases = new()
    {
        ["continuation without a message"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.ContinuationWithoutMessage, p => [p.Frame(0x80, "abc"u8)]),
        ["reserved data opcode"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0x83, "abc"u8)]),
        ["reserved control opcode"] = Client(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0x8B, []) ]),
        ["RSV1 without an extension"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0xC2, "abc"u8)]),
        ["RSV2"] = Client(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0xA1, "abc"u8)]),
        ["RSV3"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0x92, "abc"u8)]),
        ["unmasked frame to a server"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0x82, "abc"u8, masked: false)]),
        ["masked frame to a client"] = Client(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0x82, "abc"u8, masked: true)]),
        ["fragmented ping"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0x09, "p"u8)]),
        ["ping of 126 bytes"] = Client(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [p.Frame(0x89, new byte[126])]),
        ["non-minimal length"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [[.. RawFrame.Header(0x82, 5, true, 0x01020304, forcedLengthBytes: 2), 1, 2, 3, 4, 5]]),
        ["64-bit length with its top bit set"] = Client(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidFrameHeader, p => [RawFrame.Header(0x82, long.MinValue, false, forcedLengthBytes: 8)]),
        ["new message inside a fragmented one"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.MessageInterleaved, p => [p.Frame(0x01, "a"u8), p.Frame(0x82, "b"u8)]),
        ["invalid UTF-8"] = Server(WebSocketCloseStatus.InvalidPayloadData, DecodeError.InvalidUtf8, p => [p.Frame(0x81, [(byte)'o', 0xC3, 0x28])]),
        ["invalid UTF-8 split across fragments"] = Client(WebSocketCloseStatus.InvalidPayloadData, DecodeError.InvalidUtf8, p => [p.Frame(0x01, [(byte)'a', 0xE2, 0x82]), p.Frame(0x89, "ping"u8), p.Frame(0x80, [0x28])]),
        ["UTF-8 cut off at the end of the message"] = Server(WebSocketCloseStatus.InvalidPayloadData, DecodeError.InvalidUtf8, p => [p.Frame(0x01, [0xF0, 0x9F]), p.Frame(0x80, [0x98])]),
        ["close with a 1-byte payload"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidClosePayload, p => [p.Frame(0x88, [0x03])]),
        ["close with code 1005"] = Client(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidClosePayload, p => [p.Frame(0x88, WireFrame.ClosePayload(1005))]),
        ["close with code 1006"] = Server(WebSocketCloseStatus.ProtocolError, DecodeError.InvalidClosePayload, p => [p.Frame(0x88, WireFrame.ClosePayload(1006, "x"))]),
        ["close with an invalid UTF-8 reason"] = Server(WebSocketCloseStatus.InvalidPayloadData, DecodeError.InvalidClosePayload, p => [p.Frame(0x88, [0x03, 0xE8, (byte)'o', 0xFF])]),
        ["frame over the maximum message size"] = Server(WebSocketCloseStatus.MessageTooBig, DecodeError.InvalidFrameHeader, p => [p.Frame(0x82, new byte[1001])], Limits),
        ["fragments adding up over the maximum message size"] = Client(WebSocketCloseStatus.MessageTooBig, DecodeError.MessageTooBig, p => [p.Frame(0x02, new byte[600]), p.Frame(0x80, new byte[401])], Limits),
        ["too many fragments"] = Server(WebSocketCloseStatus.PolicyViolation, DecodeError.TooManyFragments, p => [p.Frame(0x01, "a"u8), p.Frame(0x00, "b"u8), p.Frame(0x00, "c"u8), p.Frame(0x80, "d"u8)], Limits),
    };

    private static MessageConnectionOptions Limits => new() { MaxMessageSize = 1000, MaxFragments = 3 };

    private static Violation Server(WebSocketCloseStatus status, DecodeError error, Func<RawPeer, byte[][]> frames, MessageConnectionOptions? options = null) =>
        new(WebSocketRole.Server, status, error, frames, options);

    private static Violation Client(WebSocketCloseStatus status, DecodeError error, Func<RawPeer, byte[][]> frames, MessageConnectionOptions? options = null) =>
        new(WebSocketRole.Client, status, error, frames, options);

    public static TheoryData<string, bool, ReadApi> All()
    {
        var data = new TheoryData<string, bool, ReadApi>();
        foreach (string name in Cases.Keys)
        {
            foreach (bool trickle in new[] { false, true })
            {
                foreach (ReadApi api in new[] { ReadApi.Message, ReadApi.IntoSmall, ReadApi.SyncInto })
                {
                    data.Add(name, trickle, api);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Violation_fails_the_connection_with_the_right_close_code(string name, bool trickle, ReadApi api)
    {
        Violation violation = Cases[name];
        using RawLink link = RawLink.Create(violation.OurRole, violation.Options, trickle);
        byte[] good = Payloads.Text(300, 1);
        await link.Raw.SendAsync([link.Raw.Frame(0x81, good), .. violation.Frames(link.Raw)]).Within();

        (WebSocketMessageType type, byte[] data) = await Messaging.ReadAsync(link.Ours, api).Within();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(good, data);

        WebSocketProtocolException error = await Assert.ThrowsAsync<WebSocketProtocolException>(() => Messaging.ReadAsync(link.Ours, api).Within());
        Assert.Equal(violation.Status, error.CloseStatus);
        Assert.Equal(violation.Error, error.Error);
        Assert.IsType<WebSocketException>(error.InnerException);

        // The peer is told why, and then the transport ends.
        WireFrame close = await link.Raw.ReadCloseAsync().Within();
        Assert.Equal((int)violation.Status, close.CloseCode);
        Assert.Equal(error.Reason, close.CloseReason);
        Assert.Equal(violation.OurRole == WebSocketRole.Client, close.Header.IsMasked);
        Assert.Null(await link.Raw.ReadFrameAsync().Within());

        Assert.Equal(WebSocketState.Aborted, link.Ours.State);
        Assert.Equal(violation.Status, link.Ours.CloseStatus);
        Assert.Equal(error.Reason, link.Ours.CloseStatusDescription);
        Assert.Equal(0, link.Pool.Outstanding);

        // The connection stays down.
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.ReadMessageAsync().AsTask().Within());
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.WriteMessageAsync(WebSocketMessageType.Binary, new byte[1]).AsTask().Within());
    }

    [Fact]
    public void Every_close_status_a_violation_can_cause_is_covered()
    {
        Assert.Equal(
            [WebSocketCloseStatus.ProtocolError, WebSocketCloseStatus.InvalidPayloadData, WebSocketCloseStatus.PolicyViolation, WebSocketCloseStatus.MessageTooBig],
            Cases.Values.Select(v => v.Status).Distinct().Order());
        Assert.Equal(
            // InvalidCompressedData needs permessage-deflate agreed: DeflateConnectionTests covers it (1007).
            Enum.GetValues<DecodeError>().Where(e => e is not (DecodeError.None or DecodeError.CompressedContinuation or DecodeError.DataAfterClose or DecodeError.InvalidCompressedData)),
            Cases.Values.Select(v => v.Error).Distinct().Order());
    }
}

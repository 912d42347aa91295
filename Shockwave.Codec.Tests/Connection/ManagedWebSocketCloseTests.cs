using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>The close handshake against ManagedWebSocket: every status code valid on the wire, either side first, both roles.</summary>
public class ManagedWebSocketCloseTests
{
    /// <summary>Every code RFC 6455 §7.4 and the IANA registry allow in a close frame, with the edges of the private ranges.</summary>
    public static readonly int[] ValidCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];

    public static TheoryData<TransportKind, WebSocketRole, bool, int> Cases()
    {
        var data = new TheoryData<TransportKind, WebSocketRole, bool, int>();
        foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
        {
            foreach (bool weStart in new[] { true, false })
            {
                foreach (int code in ValidCodes)
                {
                    data.Add(TransportKind.Stream, role, weStart, code);
                }

                data.Add(TransportKind.Pipe, role, weStart, 1000);
                data.Add(TransportKind.Pipe, role, weStart, 4999);
            }
        }

        return data;
    }

    private static string ReasonFor(int code) => code % 2 == 0 ? $"why {code}: ü – 日本" : new string('r', CloseFrame.MaxReasonLength);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Close_with_a_reason_either_side_first(TransportKind kind, WebSocketRole ourRole, bool weStart, int code)
    {
        var status = (WebSocketCloseStatus)code;
        string reason = ReasonFor(code);
        using ManagedLink link = ManagedLink.Create(kind, ourRole);
        if (weStart)
        {
            Task<(WebSocketMessageType, byte[])> theirs = Messaging.ReceiveAsync(link.Theirs);
            Task ours = link.Ours.CloseAsync(status, reason).AsTask();
            Assert.Equal(WebSocketMessageType.Close, (await theirs.Within()).Item1);
            Assert.Equal(WebSocketState.CloseReceived, link.Theirs.State);
            Assert.Equal(status, link.Theirs.CloseStatus);
            Assert.Equal(reason, link.Theirs.CloseStatusDescription);
            Assert.False(ours.IsCompleted, "CloseAsync must wait for the peer's close");
            Assert.Equal(WebSocketState.CloseSent, link.Ours.State);

            await link.Theirs.CloseOutputAsync(status, "reply", CancellationToken.None).Within();
            await ours.Within();
            Assert.Equal(WebSocketState.Closed, link.Theirs.State);
            Assert.Equal(WebSocketState.Closed, link.Ours.State);
            Assert.Equal(status, link.Ours.CloseStatus);
            Assert.Equal("reply", link.Ours.CloseStatusDescription);
        }
        else
        {
            Task<WebSocketMessage> ours = link.Ours.ReadMessageAsync().AsTask();
            Task theirs = link.Theirs.CloseAsync(status, reason, CancellationToken.None);
            Assert.True((await ours.Within()).IsClose);
            Assert.Equal(WebSocketState.Closed, link.Ours.State);
            Assert.Equal(status, link.Ours.CloseStatus);
            Assert.Equal(reason, link.Ours.CloseStatusDescription);

            await theirs.Within();
            Assert.Equal(WebSocketState.Closed, link.Theirs.State);
            Assert.Equal(status, link.Theirs.CloseStatus);

            // RFC 6455 §5.5.1: our reply echoes the status code.
            WireFrame reply = link.FramesWeSent()[^1];
            Assert.Equal(Opcode.Close, reply.Opcode);
            Assert.Equal(code, reply.CloseCode);
        }

        // Nothing may follow the close frames.
        Assert.Equal(Opcode.Close, link.FramesWeSent()[^1].Opcode);
        Assert.Equal(Opcode.Close, link.FramesTheySent()[^1].Opcode);
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.WriteMessageAsync(WebSocketMessageType.Binary, new byte[1]).AsTask());
        await Assert.ThrowsAsync<WebSocketException>(() => link.Ours.ReadMessageAsync().AsTask());
    }
}

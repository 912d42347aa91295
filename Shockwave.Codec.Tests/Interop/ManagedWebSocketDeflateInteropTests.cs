using System.Net.WebSockets;
using Shockwave.Codec.Tests.Connection;
using Xunit;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>
/// permessage-deflate between our connection and .NET's ManagedWebSocket with <see cref="WebSocketCreationOptions.DangerousDeflateOptions"/>,
/// both roles, over the in-memory duplex: every context-takeover combination and several window sizes, text and
/// binary from 0 B to 16 MiB, fragmented, with pings between fragments.
/// </summary>
public class ManagedWebSocketDeflateInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<WebSocketRole, bool, bool, int, int> Matrix()
    {
        var data = new TheoryData<WebSocketRole, bool, bool, int, int>();
        foreach (WebSocketRole role in new[] { WebSocketRole.Server, WebSocketRole.Client })
        {
            foreach (bool clientTakeover in new[] { true, false })
            {
                foreach (bool serverTakeover in new[] { true, false })
                {
                    foreach ((int clientBits, int serverBits) in new[] { (15, 15), (9, 12), (12, 9) })
                    {
                        data.Add(role, clientTakeover, serverTakeover, clientBits, serverBits);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Messages_cross_compressed_both_ways(WebSocketRole ourRole, bool clientTakeover, bool serverTakeover, int clientBits, int serverBits)
    {
        PerMessageDeflateOptions agreed = DeflateConnectionTests.Agreed(clientTakeover, serverTakeover, clientBits, serverBits);
        var theirs = new WebSocketCreationOptions
        {
            KeepAliveInterval = TimeSpan.Zero,
            DangerousDeflateOptions = new WebSocketDeflateOptions
            {
                ClientContextTakeover = clientTakeover,
                ServerContextTakeover = serverTakeover,
                ClientMaxWindowBits = clientBits,
                ServerMaxWindowBits = serverBits,
            },
        };
        using ManagedLink link = ManagedLink.Create(TransportKind.Stream, ourRole, new MessageConnectionOptions { PerMessageDeflate = agreed }, theirs);

        int seed = (clientTakeover ? 1 : 0) + (serverTakeover ? 2 : 0) + clientBits * 4;
        var messages = new List<TestMessage>();
        foreach (int size in new[] { 0, 1, 125, 126, 65535, 65536, 1 << 20 })
        {
            messages.Add(new TestMessage(WebSocketMessageType.Text, Payloads.JsonLike(size, seed + size), [size]));
            messages.Add(new TestMessage(WebSocketMessageType.Binary, Payloads.Binary(size, seed + size), [size]));
        }

        messages.Add(new TestMessage(WebSocketMessageType.Text, Payloads.Text(70_000, seed), [10, 0, 30_000, 39_990]));
        messages.Add(new TestMessage(WebSocketMessageType.Binary, Payloads.JsonLike(200_000, seed), [100_000, 100_000]));
        if (clientBits == 15 && serverBits == 15)
        {
            messages.Add(new TestMessage(WebSocketMessageType.Text, Payloads.JsonLike(16 << 20, seed), [16 << 20]));
        }

        var apis = Enum.GetValues<ReadApi>();
        for (int i = 0; i < messages.Count; i++)
        {
            TestMessage message = messages[i];

            // Ours → theirs, fragment by fragment with a ping after the first.
            Task<(WebSocketMessageType, byte[])> received = Messaging.ReceiveAsync(link.Theirs);
            int offset = 0;
            for (int f = 0; f < message.Fragments.Count; f++)
            {
                int size = message.Fragments[f];
                await link.Ours.WriteFragmentAsync(message.Type, message.Data.AsMemory(offset, size), f == message.Fragments.Count - 1).AsTask().WaitAsync(Timeout);
                offset += size;
                if (f == 0)
                {
                    await link.Ours.PingAsync(new byte[] { (byte)i }).AsTask().WaitAsync(Timeout);
                }
            }

            Messaging.AssertSame(message, await received.WaitAsync(Timeout));

            // Theirs → ours, read with each API in turn.
            Task send = Messaging.SendAsync(link.Theirs, message);
            Messaging.AssertSame(message, await Messaging.ReadAsync(link.Ours, apis[i % apis.Length]).WaitAsync(Timeout));
            await send.WaitAsync(Timeout);
        }

        // Compression was really used in both directions.
        Assert.Contains(link.FramesWeSent(), frame => frame.Header.Rsv1);
        Assert.Contains(link.FramesTheySent(), frame => frame.Header.Rsv1);

        Task<(WebSocketMessageType, byte[])> close = Messaging.ReceiveAsync(link.Theirs);
        await link.Ours.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye").AsTask().WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Close, (await close.WaitAsync(Timeout)).Item1);
    }
}

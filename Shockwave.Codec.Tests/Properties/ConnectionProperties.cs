using System.Net.WebSockets;
using FsCheck.Xunit;
using Shockwave.Codec.Tests.Connection;
using Shockwave.Codec.Tests.Properties.Arbitraries;
using Xunit;

namespace Shockwave.Codec.Tests.Properties;

/// <summary>
/// Our client → our server over the in-memory duplex stream (or a pipe pair): for any sequence of messages,
/// fragmented any way with pings between fragments, read with any API level and buffer size through a transport
/// that returns reads of any size, exactly the messages sent arrive, and every rented array is returned.
/// </summary>
[Properties(Arbitrary = [typeof(MessageArbitraries)], Replay = Replay.Seed, MaxTest = 60)]
public class ConnectionProperties
{
    // The most one transport read returns; Pipe stands for a pipe pair instead of the stream.
    private const int Pipe = -1;
    private static readonly int[] ReadSizes = [1, 3, 64, 1000, 4096, int.MaxValue, Pipe];

    private static readonly ReadApi[] Apis = [ReadApi.Message, ReadApi.Pooled, ReadApi.IntoSmall, ReadApi.SyncInto];

    [Property]
    public async Task Client_to_server_delivers_exactly_the_messages_sent(MessageStep[] steps, int readBufferSeed, int apiSeed, int transportSeed)
    {
        int maxTransportRead = ReadSizes[(transportSeed & int.MaxValue) % ReadSizes.Length];
        ReadApi api = Apis[(apiSeed & int.MaxValue) % (maxTransportRead == Pipe ? Apis.Length - 1 : Apis.Length)];
        int readBuffer = 1 + ((readBufferSeed & int.MaxValue) % 9000);

        var pool = new TrackingArrayPool();
        var clientOptions = new MessageConnectionOptions { Role = WebSocketRole.Client, BufferPool = pool };
        var serverOptions = new MessageConnectionOptions { Role = WebSocketRole.Server, BufferPool = pool };
        MessageConnection client;
        MessageConnection server;
        if (maxTransportRead == Pipe)
        {
            (System.IO.Pipelines.IDuplexPipe clientEnd, System.IO.Pipelines.IDuplexPipe serverEnd) = DuplexPipe.Create();
            client = new MessageConnection(clientEnd, clientOptions);
            server = new MessageConnection(serverEnd, serverOptions);
        }
        else
        {
            (DuplexStream clientEnd, DuplexStream serverEnd) = DuplexStream.Create();
            client = new MessageConnection(clientEnd, clientOptions);
            server = new MessageConnection(maxTransportRead == int.MaxValue ? serverEnd : new TrickleStream(serverEnd, maxTransportRead), serverOptions);
        }
        try
        {
            Task writer = Task.Run(() => WriteAllAsync(client, steps));
            byte[] buffer = new byte[readBuffer];
            foreach (MessageStep step in steps)
            {
                (WebSocketMessageType type, byte[] data) = await ReadOneAsync(server, api, buffer).Within();
                Assert.Equal(step.Type, type);
                Assert.True(step.Payload.AsSpan().SequenceEqual(data), $"{step} arrived as {data.Length} B of different content");
            }

            await writer.Within();
            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "end").Within();
            Assert.Equal(WebSocketMessageType.Close, (await ReadOneAsync(server, api, buffer).Within()).Type);
            Assert.Equal(WebSocketState.Closed, server.State);
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }

        pool.AssertAllReturned();
    }

    private static async Task WriteAllAsync(MessageConnection client, MessageStep[] steps)
    {
        foreach (MessageStep step in steps)
        {
            int position = 0;
            int i = 0;
            while (true)
            {
                int size = step.FragmentSizes.Length == 0 ? step.Payload.Length : step.FragmentSizes[i++ % step.FragmentSizes.Length];
                if (size == 0 && i > 2 * step.FragmentSizes.Length)
                {
                    size = step.Payload.Length - position; // every size zero: finish the message
                }

                size = Math.Min(size, step.Payload.Length - position);
                bool end = position + size == step.Payload.Length;
                await client.WriteFragmentAsync(step.Type, step.Payload.AsMemory(position, size), end);
                position += size;
                if (step.PingFirst && i == 1 && !end)
                {
                    await client.PingAsync("between"u8.ToArray());
                }

                if (end)
                {
                    break;
                }
            }
        }
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReadOneAsync(MessageConnection server, ReadApi api, byte[] buffer)
    {
        if (api is ReadApi.Message or ReadApi.Pooled)
        {
            return await Messaging.ReadAsync(server, api);
        }

        var assembled = new MemoryStream();
        while (true)
        {
            MessageReadResult part = api == ReadApi.SyncInto
                ? await Task.Run(() => server.ReadMessageInto(buffer))
                : await server.ReadMessageIntoAsync(buffer);
            assembled.Write(buffer, 0, part.Count);
            if (part.EndOfMessage)
            {
                return (part.MessageType, assembled.ToArray());
            }
        }
    }
}

using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>Which of our read APIs a test drives.</summary>
public enum ReadApi
{
    /// <summary><see cref="MessageConnection.ReadMessageAsync"/>.</summary>
    Message,

    /// <summary><see cref="MessageConnection.ReadPooledMessageAsync"/>.</summary>
    Pooled,

    /// <summary><see cref="MessageConnection.ReadMessageIntoAsync"/> with a 37-byte buffer: many parts, never a direct read.</summary>
    IntoSmall,

    /// <summary><see cref="MessageConnection.ReadMessageIntoAsync"/> with an 8 KiB buffer: large payloads are read straight into it.</summary>
    IntoLarge,

    /// <summary><see cref="MessageConnection.ReadMessageInto"/>, blocking, with a 37-byte buffer (streams only).</summary>
    SyncInto,

    /// <summary><see cref="MessageConnection.ReadMessage"/>, blocking (streams only).</summary>
    SyncMessage,

    /// <summary><see cref="MessageConnection.ReadPooledMessage"/>, blocking (streams only).</summary>
    SyncPooled,
}

/// <summary>Which of our write APIs a test drives.</summary>
public enum WriteApi
{
    Message,
    Fragments,
    Text,
    TextMemory,
    SyncMessage,
}

/// <summary>A message as a test sends or expects it.</summary>
public sealed record TestMessage(WebSocketMessageType Type, byte[] Data, List<int> Fragments)
{
    public override string ToString() => $"{Type} {Data.Length}B in {Fragments.Count}";

    /// <summary>A seeded mix of sizes (empty, tiny, around the 16-bit length boundary, over 64 KiB) and types, with random fragmentation.</summary>
    public static List<TestMessage> Mix(int seed, int count = 12, int maxFragments = 8)
    {
        int[] sizes = [0, 1, 100, 125, 126, 5000, 65536, 70000, 200_000];
        var random = new Random(seed);
        var messages = new List<TestMessage>();
        for (int i = 0; i < count; i++)
        {
            var type = random.Next(2) == 0 ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
            int size = sizes[random.Next(sizes.Length)];
            messages.Add(new TestMessage(type, Payloads.For(type, size, random.Next()), Payloads.Fragments(size, random, maxFragments)));
        }

        return messages;
    }

    public static bool IsSync(ReadApi api) => api is ReadApi.SyncInto or ReadApi.SyncMessage or ReadApi.SyncPooled;
}

internal static class Messaging
{
    /// <summary>Reads one whole message with the given API; a close comes back as type Close with no data.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReadAsync(MessageConnection connection, ReadApi api)
    {
        switch (api)
        {
            case ReadApi.Message:
                WebSocketMessage message = await connection.ReadMessageAsync();
                return (message.MessageType, message.Data.ToArray());
            case ReadApi.Pooled:
                using (PooledMessage pooled = await connection.ReadPooledMessageAsync())
                {
                    return (pooled.MessageType, pooled.Memory.ToArray());
                }

            case ReadApi.IntoSmall:
            case ReadApi.IntoLarge:
                return await ReadPartsAsync(connection, new byte[api == ReadApi.IntoSmall ? 37 : 8192]);
            case ReadApi.SyncInto:
                return await Task.Run(() => ReadParts(connection, new byte[37]));
            case ReadApi.SyncPooled:
                return await Task.Run(() =>
                {
                    using PooledMessage p = connection.ReadPooledMessage();
                    return (p.MessageType, p.Memory.ToArray());
                });
            default:
                return await Task.Run(() =>
                {
                    WebSocketMessage m = connection.ReadMessage();
                    return (m.MessageType, m.Data.ToArray());
                });
        }
    }

    private static async Task<(WebSocketMessageType, byte[])> ReadPartsAsync(MessageConnection connection, byte[] buffer)
    {
        var assembled = new MemoryStream();
        WebSocketMessageType? type = null;
        while (true)
        {
            MessageReadResult part = await connection.ReadMessageIntoAsync(buffer);
            if (part.MessageType == WebSocketMessageType.Close)
            {
                Assert.Null(type);
                return (WebSocketMessageType.Close, []);
            }

            Assert.Equal(type ?? part.MessageType, part.MessageType);
            type = part.MessageType;
            assembled.Write(buffer, 0, part.Count);
            if (part.EndOfMessage)
            {
                return (part.MessageType, assembled.ToArray());
            }
        }
    }

    private static (WebSocketMessageType, byte[]) ReadParts(MessageConnection connection, byte[] buffer)
    {
        var assembled = new MemoryStream();
        while (true)
        {
            MessageReadResult part = connection.ReadMessageInto(buffer);
            if (part.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }

            assembled.Write(buffer, 0, part.Count);
            if (part.EndOfMessage)
            {
                return (part.MessageType, assembled.ToArray());
            }
        }
    }

    /// <summary>Writes one message with the given API (fragmented as the message says for <see cref="WriteApi.Fragments"/>).</summary>
    public static async Task WriteAsync(MessageConnection connection, WriteApi api, TestMessage message)
    {
        switch (api)
        {
            case WriteApi.Message:
                await connection.WriteMessageAsync(message.Type, message.Data);
                break;
            case WriteApi.Fragments:
                int offset = 0;
                for (int i = 0; i < message.Fragments.Count; i++)
                {
                    int size = message.Fragments[i];
                    await connection.WriteFragmentAsync(message.Type, message.Data.AsMemory(offset, size), i == message.Fragments.Count - 1);
                    offset += size;
                }

                break;
            case WriteApi.Text:
                await connection.WriteTextAsync(System.Text.Encoding.UTF8.GetString(message.Data));
                break;
            case WriteApi.TextMemory:
                await connection.WriteTextAsync(System.Text.Encoding.UTF8.GetString(message.Data).AsMemory());
                break;
            default:
                await Task.Run(() => connection.WriteMessage(message.Type, message.Data));
                break;
        }
    }

    /// <summary>ManagedWebSocket receives one whole message; a close comes back as type Close with no data.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket socket)
    {
        byte[] buffer = new byte[64 * 1024];
        var assembled = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }

            assembled.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, assembled.ToArray());
            }
        }
    }

    /// <summary>ManagedWebSocket sends a message fragment by fragment as the message says.</summary>
    public static async Task SendAsync(WebSocket socket, TestMessage message)
    {
        int offset = 0;
        for (int i = 0; i < message.Fragments.Count; i++)
        {
            int size = message.Fragments[i];
            await socket.SendAsync(message.Data.AsMemory(offset, size), message.Type, i == message.Fragments.Count - 1, CancellationToken.None);
            offset += size;
        }
    }

    public static void AssertSame(TestMessage expected, (WebSocketMessageType Type, byte[] Data) actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Data.Length, actual.Data.Length);
        Assert.True(expected.Data.AsSpan().SequenceEqual(actual.Data), $"payload of {expected} differs");
    }
}

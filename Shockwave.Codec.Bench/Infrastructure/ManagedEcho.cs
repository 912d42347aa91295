using System.Net.WebSockets;

namespace Shockwave.Codec.Bench.Infrastructure;

/// <summary>The baseline's round trip, shared by the echo benchmarks: ManagedWebSocket's client sends, its server reads the whole message and sends it back, the client reads it.</summary>
internal static class ManagedEcho
{
    /// <summary>One echo round trip; returns the length of the reply the client read into <paramref name="clientBuffer"/>.</summary>
    /// <remarks>One async method, as our side's benchmark methods are: no extra layer is charged to the baseline.</remarks>
    public static async ValueTask<int> RoundTripAsync(WebSocket client, WebSocket server, ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, byte[] serverBuffer, byte[] clientBuffer)
    {
        await client.SendAsync(payload, messageType, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);

        int received = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await server.ReceiveAsync(serverBuffer.AsMemory(received), CancellationToken.None).ConfigureAwait(false);
            received += result.Count;
        }
        while (!result.EndOfMessage);

        await server.SendAsync(serverBuffer.AsMemory(0, received), messageType, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);

        int replied = 0;
        do
        {
            result = await client.ReceiveAsync(clientBuffer.AsMemory(replied), CancellationToken.None).ConfigureAwait(false);
            replied += result.Count;
        }
        while (!result.EndOfMessage);

        return replied;
    }
}

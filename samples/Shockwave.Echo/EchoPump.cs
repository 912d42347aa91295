using System.Buffers;
using System.Net.WebSockets;
using Shockwave.Codec;

namespace Shockwave.Echo;

/// <summary>
/// The echo loop both roles share: every part of every message goes back as a fragment of the same type as soon as
/// it arrived, so a message of any size is streamed through a 4-64 KiB buffer instead of being held whole.
/// </summary>
internal static class EchoPump
{
    // Small while messages are small, so thousands of idle connections cost little; a part that fills the small
    // buffer switches to the large one until the message ends (large payloads are then read straight into it).
    private const int SmallBuffer = 4 * 1024;
    private const int LargeBuffer = 64 * 1024;

    /// <summary>Echoes until the peer's close arrives (the library answers it).</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="counters">Updated as messages go back.</param>
    /// <returns>A task that completes when the peer closed; <see cref="MessageConnection.CloseStatus"/> holds its status.</returns>
    /// <exception cref="WebSocketProtocolException">The peer broke the protocol; the library closed with the matching code.</exception>
    /// <exception cref="WebSocketException">The transport ended or failed.</exception>
    public static async Task RunAsync(MessageConnection connection, EchoCounters counters)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SmallBuffer);
        try
        {
            while (true)
            {
                // No cancellation token: a cancelled read aborts the connection, and a shutdown wants a clean close.
                MessageReadResult read = await connection.ReadMessageIntoAsync(buffer).ConfigureAwait(false);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (connection.State == WebSocketState.Open)
                {
                    try
                    {
                        await connection.WriteFragmentAsync(read.MessageType, buffer.AsMemory(0, read.Count), read.EndOfMessage).ConfigureAwait(false);
                    }
                    catch (WebSocketException) when (connection.State == WebSocketState.CloseSent)
                    {
                        // Our close went out meanwhile (shutdown): nothing more may be sent; read on until the peer's close.
                    }
                }

                counters.Bytes += read.Count;
                if (read.EndOfMessage)
                {
                    counters.Messages++;
                }

                if (!read.EndOfMessage && read.Count == buffer.Length && buffer.Length < LargeBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(LargeBuffer);
                }
                else if (read.EndOfMessage && buffer.Length > SmallBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(SmallBuffer);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

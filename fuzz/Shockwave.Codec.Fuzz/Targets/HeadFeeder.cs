using System.Buffers;

namespace Shockwave.Codec.Fuzz;

/// <summary>A sans-I/O head reader's read call: <see cref="ServerHandshake.ReadRequest"/> or <see cref="ClientHandshake.ReadResponse"/>.</summary>
internal delegate OperationStatus ReadHead(ReadOnlySpan<byte> input, out int bytesConsumed);

/// <summary>
/// Feeds an HTTP head to a handshake reader in the given chunks and checks what every incremental reader owes:
/// consumed bytes within bounds, NeedMoreData taking the whole chunk and only at the end of the input, an empty read
/// changing nothing, and a finished answer final (read again: same status, nothing consumed).
/// </summary>
internal static class HeadFeeder
{
    /// <returns>The final status and where in <paramref name="data"/> the reader stopped.</returns>
    public static (OperationStatus Status, int Position) Feed(ReadOnlySpan<byte> data, List<(int Start, int Length)> chunks, ReadHead read)
    {
        OperationStatus status = OperationStatus.NeedMoreData;
        int position = 0;
        foreach ((int start, int length) in chunks)
        {
            status = read(data.Slice(start, length), out int consumed);
            Check.True(consumed >= 0 && consumed <= length, $"bytesConsumed {consumed} outside 0..{length}");
            position = start + consumed;
            if (status != OperationStatus.NeedMoreData)
            {
                break;
            }

            // The head reader keeps what it was given: a caller may reuse its buffer (WebSocketHandshake does).
            Check.Equal(length, consumed, "NeedMoreData consumes the whole chunk");
        }

        Check.True(status is OperationStatus.Done or OperationStatus.InvalidData or OperationStatus.NeedMoreData, $"status {status}");

        // An empty read changes nothing; a finished handshake answers the same again and consumes nothing.
        Check.Equal(status, read(default, out int emptyConsumed), "status after an empty read");
        Check.Equal(0, emptyConsumed, "bytesConsumed of an empty read");
        if (status != OperationStatus.NeedMoreData)
        {
            Check.Equal(status, read(data.Slice(position), out int again), "status read again");
            Check.Equal(0, again, "bytesConsumed read again");
        }
        else
        {
            Check.Equal(data.Length, position, "NeedMoreData only at the end of the input");
        }

        return (status, position);
    }
}

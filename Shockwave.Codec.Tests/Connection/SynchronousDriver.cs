namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// Drives a connection whose transport always has what it needs (in-memory, large enough), so every operation must
/// complete synchronously: the allocation tests then measure one thread's allocations exactly.
/// </summary>
internal static class SynchronousDriver
{
    /// <summary>Reads one whole message with <see cref="MessageConnection.ReadMessageIntoAsync"/>, part by part.</summary>
    public static int ReadInto(MessageConnection connection, byte[] buffer)
    {
        int length = 0;
        while (true)
        {
            MessageReadResult part = Done(connection.ReadMessageIntoAsync(buffer.AsMemory(length)));
            length += part.Count;
            if (part.EndOfMessage)
            {
                return length;
            }
        }
    }

    /// <summary>Reads one whole message with the blocking <see cref="MessageConnection.ReadMessageInto"/>.</summary>
    public static int ReadIntoSync(MessageConnection connection, byte[] buffer)
    {
        int length = 0;
        while (true)
        {
            MessageReadResult part = connection.ReadMessageInto(buffer.AsSpan(length));
            length += part.Count;
            if (part.EndOfMessage)
            {
                return length;
            }
        }
    }

    public static void Done(ValueTask task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("An operation did not complete synchronously although the transport had what it needed.");
        }

        task.GetAwaiter().GetResult();
    }

    public static T Done<T>(ValueTask<T> task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("An operation did not complete synchronously although the transport had what it needed.");
        }

        return task.GetAwaiter().GetResult();
    }
}

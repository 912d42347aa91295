using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>What one <c>ReadMessageInto</c> call delivered into the caller's buffer.</summary>
public readonly struct MessageReadResult : IEquatable<MessageReadResult>
{
    /// <summary>Creates a result.</summary>
    /// <param name="count">Bytes written into the caller's buffer.</param>
    /// <param name="messageType">The message's type; <see cref="WebSocketMessageType.Close"/> when the peer closed.</param>
    /// <param name="endOfMessage">Whether these bytes end the message.</param>
    public MessageReadResult(int count, WebSocketMessageType messageType, bool endOfMessage)
    {
        Count = count;
        MessageType = messageType;
        EndOfMessage = endOfMessage;
    }

    /// <summary>Bytes written into the caller's buffer.</summary>
    public int Count { get; }

    /// <summary>The message's type; <see cref="WebSocketMessageType.Close"/> when the peer closed the connection.</summary>
    public WebSocketMessageType MessageType { get; }

    /// <summary>Whether these bytes end the message; a message larger than the buffer arrives in several parts.</summary>
    public bool EndOfMessage { get; }

    /// <inheritdoc />
    public bool Equals(MessageReadResult other) => Count == other.Count && MessageType == other.MessageType && EndOfMessage == other.EndOfMessage;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MessageReadResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Count ^ ((int)MessageType << 28) ^ (EndOfMessage ? 1 << 30 : 0);

    /// <summary>Compares two results.</summary>
    public static bool operator ==(MessageReadResult left, MessageReadResult right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    public static bool operator !=(MessageReadResult left, MessageReadResult right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => $"{MessageType} {Count}B end={EndOfMessage}";
}

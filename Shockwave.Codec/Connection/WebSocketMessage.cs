using System.Net.WebSockets;
using System.Text;

namespace Shockwave.Codec;

/// <summary>A whole message, as <c>ReadMessageAsync</c> returns it: the one read API that allocates, exactly the message it returns.</summary>
public readonly struct WebSocketMessage
{
    internal WebSocketMessage(WebSocketMessageType messageType, byte[] data)
    {
        MessageType = messageType;
        Data = data;
    }

    /// <summary>Text or binary; <see cref="WebSocketMessageType.Close"/> when the peer closed the connection instead.</summary>
    public WebSocketMessageType MessageType { get; }

    /// <summary>The message's bytes (UTF-8 for text); empty for a close.</summary>
    /// <remarks>
    /// Read-only, so that a message handed on cannot be changed under its other readers; the array behind it is the
    /// one allocation of the read, and <c>ToArray()</c> copies it for a caller that needs an array of its own.
    /// </remarks>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The message's length in bytes.</summary>
    public int Length => Data.Length;

    /// <summary>Whether the peer closed the connection (no message).</summary>
    public bool IsClose => MessageType == WebSocketMessageType.Close;

    /// <summary>Decodes the bytes as UTF-8 text (already validated for text messages); allocates the string.</summary>
    /// <returns>The text.</returns>
    public string GetText()
    {
#if NETSTANDARD2_0
        return System.Runtime.InteropServices.MemoryMarshal.TryGetArray(Data, out ArraySegment<byte> segment)
            ? Encoding.UTF8.GetString(segment.Array!, segment.Offset, segment.Count)
            : string.Empty;
#else
        return Encoding.UTF8.GetString(Data.Span);
#endif
    }

    /// <inheritdoc />
    public override string ToString() => $"{MessageType} {Data.Length}B";
}

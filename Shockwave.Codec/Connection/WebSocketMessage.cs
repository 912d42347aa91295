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
    public byte[] Data { get; }

    /// <summary>Whether the peer closed the connection (no message).</summary>
    public bool IsClose => MessageType == WebSocketMessageType.Close;

    /// <summary>Decodes the bytes as UTF-8 text (already validated for text messages); allocates the string.</summary>
    /// <returns>The text.</returns>
    public string GetText() => Encoding.UTF8.GetString(Data ?? []);

    /// <inheritdoc />
    public override string ToString() => $"{MessageType} {Data?.Length ?? 0}B";
}

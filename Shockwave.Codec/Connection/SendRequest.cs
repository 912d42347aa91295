using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// What a caller asked the connection to send, apart from the bytes or text (which the synchronous and asynchronous
/// twins hold as a span or as memory): the one argument of the connection's planning step, so every send, blocking or
/// not, goes through the same plan.
/// </summary>
internal readonly struct SendRequest
{
    private SendRequest(SendKind kind, WebSocketMessageType messageType = default, bool endOfMessage = true, bool wholeMessage = false,
        MessageEncoder.CompressionChoice compression = MessageEncoder.CompressionChoice.Auto, WebSocketCloseStatus? closeStatus = null,
        string? reason = null, PreparedMessage? prepared = null)
    {
        Kind = kind;
        MessageType = messageType;
        EndOfMessage = endOfMessage;
        WholeMessage = wholeMessage;
        Compression = compression;
        CloseStatus = closeStatus;
        Reason = reason;
        Prepared = prepared;
    }

    public SendKind Kind { get; }

    public WebSocketMessageType MessageType { get; }

    public bool EndOfMessage { get; }

    /// <summary>A whole message (as opposed to a fragment): refused while a fragmented message is open.</summary>
    public bool WholeMessage { get; }

    public MessageEncoder.CompressionChoice Compression { get; }

    public WebSocketCloseStatus? CloseStatus { get; }

    public string? Reason { get; }

    public PreparedMessage? Prepared { get; }

    public static SendRequest Text => new(SendKind.Text, WebSocketMessageType.Text, wholeMessage: true);

    public static SendRequest Message(WebSocketMessageType messageType) => new(SendKind.Data, messageType, wholeMessage: true);

    public static SendRequest Fragment(WebSocketMessageType messageType, bool endOfMessage, bool compress) =>
        new(SendKind.Data, messageType, endOfMessage, compression: compress ? MessageEncoder.CompressionChoice.Auto : MessageEncoder.CompressionChoice.None);

    public static SendRequest Control(Opcode opcode) => new(opcode == Opcode.Ping ? SendKind.Ping : SendKind.Pong);

    public static SendRequest Close(WebSocketCloseStatus? status, string? reason) => new(SendKind.Close, closeStatus: status, reason: reason);

    public static SendRequest PreparedFrame(PreparedMessage message) => new(SendKind.Prepared, message.MessageType, wholeMessage: true, prepared: message);
}

/// <summary>The kinds of <see cref="SendRequest"/>.</summary>
internal enum SendKind : byte
{
    /// <summary>A message or fragment from bytes.</summary>
    Data,

    /// <summary>A whole text message from UTF-16 text.</summary>
    Text,

    Ping,

    Pong,

    Close,

    /// <summary>A server's frame of a <see cref="PreparedMessage"/>, sent as it is.</summary>
    Prepared,
}

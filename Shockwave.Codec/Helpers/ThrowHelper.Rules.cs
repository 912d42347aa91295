using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace Shockwave.Codec;

// The RFC rules' share of the throw helpers: one named helper per rule a caller can break, so that every public entry
// point that keeps the rule (FrameWriter, MessageEncoder, MessageConnection, ShockwaveWebSocket) throws the same type
// with the same message. They take the parameter name as a string: the adapter names .NET's parameters, and it keeps
// the shared ExceptionArgument enum out of it.
internal static partial class ThrowHelper
{
    // ---- control frames (FrameRules) ----

    [DoesNotReturn]
    public static void ThrowArgument_ControlPayloadTooLong(string paramName) => throw CreateArgument_ControlPayloadTooLong(paramName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException CreateArgument_ControlPayloadTooLong(string paramName) =>
        new("A control frame (ping, pong, close) carries at most 125 payload bytes (RFC 6455 §5.5).", paramName);

    [DoesNotReturn]
    public static void ThrowArgument_InvalidHeader(FrameError error, string paramName) => throw CreateArgument_InvalidHeader(error, paramName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException CreateArgument_InvalidHeader(FrameError error, string paramName) =>
        error switch
        {
            FrameError.ControlFrameTooLarge => CreateArgument_ControlPayloadTooLong(paramName),
            FrameError.ReservedOpcode => new("Reserved opcodes (0x3–0x7, 0xB–0xF) are never sent (RFC 6455 §5.2).", paramName),
            FrameError.ControlFrameFragmented => new("A control frame is never fragmented: it must be final (RFC 6455 §5.5).", paramName),
            _ => new("A control frame carries no reserved bits: no extension defines them there (RFC 6455 §5.2, RFC 7692 §6.1).", paramName),
        };

    // ---- close frames we send (CloseFrame.ValidateForSending) ----

    [DoesNotReturn]
    public static void ThrowCloseRefused(CloseSendError error, WebSocketCloseStatus? status, int loneSurrogateIndex, string statusParamName, string reasonParamName) =>
        throw CreateCloseRefused(error, status, loneSurrogateIndex, statusParamName, reasonParamName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException CreateCloseRefused(CloseSendError error, WebSocketCloseStatus? status, int loneSurrogateIndex, string statusParamName, string reasonParamName) =>
        error switch
        {
            CloseSendError.ReasonWithoutStatus => CreateArgument_CloseReasonWithoutStatus(reasonParamName),
            CloseSendError.StatusNotSendable => CreateArgument_CloseStatusNotSendable(status.GetValueOrDefault(), statusParamName),
            CloseSendError.ReasonTooLong => CreateArgument_CloseReasonTooLong(reasonParamName),
            CloseSendError.ReasonNotUtf8 => CreateArgument_CloseReasonNotUtf8(reasonParamName),
            _ => CreateEncoderFallback_CloseReasonLoneSurrogate(loneSurrogateIndex),
        };

    private static ArgumentException CreateArgument_CloseStatusNotSendable(WebSocketCloseStatus status, string paramName) =>
        new($"The close status {(int)status} may not be sent in a close frame (RFC 6455 §7.4): use 1000–1003, 1007–1014 or 3000–4999.", paramName);

    private static ArgumentException CreateArgument_CloseReasonWithoutStatus(string paramName) =>
        new("A close frame without a status code carries no reason (RFC 6455 §5.5.1).", paramName);

    private static ArgumentException CreateArgument_CloseReasonTooLong(string paramName) =>
        new("A close reason is at most 123 bytes of UTF-8: 125 bytes of control payload less the status code (RFC 6455 §5.5, §5.5.1).", paramName);

    private static ArgumentException CreateArgument_CloseReasonNotUtf8(string paramName) =>
        new("A close reason must be valid UTF-8 (RFC 6455 §5.5.1).", paramName);

    // A lone surrogate has no UTF-8 form. EncoderFallbackException (an ArgumentException) is what the strict encoder
    // throws for text messages and what System.Net.WebSockets throws for a close description, so the rule keeps it.
    private static EncoderFallbackException CreateEncoderFallback_CloseReasonLoneSurrogate(int index) =>
        new($"The close reason holds a lone surrogate at index {index}, which has no UTF-8 form (RFC 6455 §5.5.1 requires UTF-8).");

    // ---- fragmented messages (RFC 6455 §5.4) ----

    [DoesNotReturn]
    public static void ThrowInvalidOperation_MessageInProgress(string finishWith) => throw CreateInvalidOperation_MessageInProgress(finishWith);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidOperationException CreateInvalidOperation_MessageInProgress(string finishWith) =>
        new($"A fragmented message is in progress; finish it with {finishWith}(endOfMessage: true) first (RFC 6455 §5.4: no other message may start inside it).");
}

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

/// <summary>
/// Throws for caller misuse. The throw sites stay out of hot methods so that those stay small enough to inline
/// ([DoesNotReturn] Throw… + [NoInlining] Create…, as System.IO.Pipelines does). Peer bytes never reach here.
/// </summary>
internal static partial class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(ExceptionArgument argument) => throw CreateArgumentOutOfRange(argument);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentOutOfRangeException CreateArgumentOutOfRange(ExceptionArgument argument) => new(argument.ToString());

    [DoesNotReturn]
    public static void ThrowArgument(ExceptionArgument argument, string message) => throw CreateArgument(argument, message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException CreateArgument(ExceptionArgument argument, string message) => new(message, argument.ToString());

    [DoesNotReturn]
    public static void ThrowArgumentNull(ExceptionArgument argument) => throw CreateArgumentNull(argument);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentNullException CreateArgumentNull(ExceptionArgument argument) => new(argument.ToString());

    [DoesNotReturn]
    public static void ThrowNotSupported(string message) => throw CreateNotSupported(message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static NotSupportedException CreateNotSupported(string message) => new(message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static System.Net.WebSockets.WebSocketException CreateWebSocketInvalidState(System.Net.WebSockets.WebSocketState state) =>
        new(System.Net.WebSockets.WebSocketError.InvalidState, $"The WebSocket is {state}; this operation needs it open.");

    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw CreateInvalidOperation(message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidOperationException CreateInvalidOperation(string message) => new(message);
}

/// <summary>The parameter names ThrowHelper reports, so that call sites pass a small constant rather than a string.</summary>
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Values are parameter names.")]
internal enum ExceptionArgument
{
    payloadLength,
    payload,
    destination,
    statusCode,
    reason,
    maxFrameSize,
    maxMessageSize,
    maxFragments,
    messageType,
    output,
    stream,
    pipe,
    buffer,
    key,
    uri,
    options,
    reservedBits,
    opcode,
    maskKey,
    keepAliveInterval,
    keepAliveTimeout,
    closeTimeout,
    message,
}

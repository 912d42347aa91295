using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// The close handshake of one connection (RFC 6455 §7): which close frames have crossed, with what status and reason,
/// and whether the connection failed or was aborted. Everything a caller sees (<see cref="State"/>,
/// <see cref="CloseStatus"/>, whether data may still be sent or received) is derived from that one record.
/// </summary>
/// <remarks>
/// <para>
/// A sans-I/O driver of <see cref="MessageDecoder"/> and <see cref="MessageEncoder"/> keeps one of these beside them
/// and records each event as it happens: <see cref="TryRecordSent"/> when it wrote a close frame,
/// <see cref="TryRecordReceived"/> when the decoder reported the peer's, <see cref="RecordFailure"/> when it failed the
/// connection, <see cref="TryAbort"/> and <see cref="RecordTransportClosed"/> when the transport goes. Exactly one of
/// <see cref="TryRecordSent"/> and <see cref="TryRecordReceived"/> reports that it completed the handshake, even when
/// both run at once on different threads: that caller closes the transport (RFC 6455 §7.1.1).
/// </para>
/// <para>
/// It is a mutable struct: keep it in a field (not <see langword="readonly"/>) and call it through that field, never
/// through a copy. Updates are lock-free and allocation-free, but for the one small object that holds the statuses
/// once a close happens. Any thread may read it or abort it; each recording method expects its own side's
/// discipline (one writer records sends, one reader records receipts).
/// </para>
/// <code>
/// private CloseHandshake _close;
///
/// // The writer, when the application closes:
/// if (_close.CanSendClose)
/// {
///     encoder.WriteClose(WebSocketCloseStatus.NormalClosure, "bye", buffer, out int written);
///     if (_close.TryRecordSent(WebSocketCloseStatus.NormalClosure, "bye", out bool completed))
///     {
///         await transport.WriteAsync(buffer.AsMemory(0, written));
///         if (completed) transport.Dispose(); // the peer's close came first: the handshake is over
///     }
/// }
///
/// // The reader, when the decoder reports DecodeResultKind.Close:
/// _close.TryRecordReceived(result.CloseStatus ?? WebSocketCloseStatus.Empty, reason, out bool done);
/// if (_close.IsReplyOwed) { /* RFC 6455 §5.5.1: answer with a close frame, as above */ }
/// </code>
/// </remarks>
public struct CloseHandshake
{
    // The state, packed in one int so that every transition is one compare-and-swap. Sent and Received are never set
    // after Aborted, and Aborted never after both, so "Closed" and "Aborted" cannot both hold.
    private const int SentFlag = 1;
    private const int ReceivedFlag = 2;
    private const int FailedFlag = 4;
    private const int AbortedFlag = 8;
    private const int TransportClosedFlag = 16;
    private const int CompleteFlags = SentFlag | ReceivedFlag;

    private int _flags;

    // Made when the first close happens (an open connection pays one null reference) and replaced, never changed,
    // by each later one: a reader that saw a flag finds the matching status here, since it is published first.
    private CloseDetails? _details;

    /// <summary>
    /// The state derived from what happened: <see cref="WebSocketState.Closed"/> once both close frames crossed;
    /// otherwise <see cref="WebSocketState.Aborted"/> once aborted or the transport closed; otherwise
    /// <see cref="WebSocketState.CloseReceived"/>, <see cref="WebSocketState.CloseSent"/> or <see cref="WebSocketState.Open"/>.
    /// </summary>
    public WebSocketState State => GetState(Volatile.Read(ref _flags));

    /// <summary>
    /// The status that describes the close: the one we failed the connection with; else the peer's once its close
    /// frame arrived; else ours once sent; else <see langword="null"/>. A close frame without a status reads as
    /// <see cref="WebSocketCloseStatus.Empty"/> (1005, RFC 6455 §7.1.5).
    /// </summary>
    public WebSocketCloseStatus? CloseStatus
    {
        get
        {
            int flags = Volatile.Read(ref _flags);
            CloseDetails? details = Volatile.Read(ref _details);
            return (flags & FailedFlag) != 0 ? details!.FailureStatus
                : (flags & ReceivedFlag) != 0 ? details!.ReceivedStatus
                : (flags & SentFlag) != 0 ? details!.SentStatus
                : null;
        }
    }

    /// <summary>The reason that came with <see cref="CloseStatus"/> (empty when there was none), or <see langword="null"/> with it.</summary>
    public string? CloseStatusDescription
    {
        get
        {
            int flags = Volatile.Read(ref _flags);
            CloseDetails? details = Volatile.Read(ref _details);
            return (flags & FailedFlag) != 0 ? details!.FailureReason
                : (flags & ReceivedFlag) != 0 ? details!.ReceivedReason
                : (flags & SentFlag) != 0 ? details!.SentReason
                : null;
        }
    }

    /// <summary>Whether our close frame was sent (recorded with <see cref="TryRecordSent"/>).</summary>
    public bool IsCloseSent => (Volatile.Read(ref _flags) & SentFlag) != 0;

    /// <summary>Whether the peer's close frame arrived (recorded with <see cref="TryRecordReceived"/>).</summary>
    public bool IsCloseReceived => (Volatile.Read(ref _flags) & ReceivedFlag) != 0;

    /// <summary>Whether the connection was failed (RFC 6455 §7.1.7), recorded with <see cref="RecordFailure"/>.</summary>
    public bool IsFailed => (Volatile.Read(ref _flags) & FailedFlag) != 0;

    /// <summary>Whether the connection was aborted before the handshake completed.</summary>
    public bool IsAborted => (Volatile.Read(ref _flags) & AbortedFlag) != 0;

    /// <summary>Whether the transport was closed (recorded with <see cref="RecordTransportClosed"/>).</summary>
    public bool IsTransportClosed => (Volatile.Read(ref _flags) & TransportClosedFlag) != 0;

    /// <summary>Whether both close frames have crossed (RFC 6455 §7.1.2–§7.1.4): the transport may be closed cleanly.</summary>
    public bool IsComplete => (Volatile.Read(ref _flags) & CompleteFlags) == CompleteFlags;

    /// <summary>
    /// Whether the peer's close frame arrived and ours has not gone out on a live connection: RFC 6455 §5.5.1 asks
    /// for a close frame in reply, as soon as practical.
    /// </summary>
    public bool IsReplyOwed => (Volatile.Read(ref _flags) & (SentFlag | ReceivedFlag | AbortedFlag | TransportClosedFlag)) == ReceivedFlag;

    /// <summary>
    /// Whether data, pings and pongs may still be sent: not after our close frame (RFC 6455 §5.5.1), nor once the
    /// connection is aborted or its transport closed.
    /// </summary>
    public bool CanSend => (Volatile.Read(ref _flags) & (SentFlag | AbortedFlag | TransportClosedFlag)) == 0;

    /// <summary>Whether our close frame may still be sent; the same rule as <see cref="CanSend"/>, a close frame being the last frame.</summary>
    public bool CanSendClose => CanSend;

    /// <summary>Whether frames may still arrive: not after the peer's close frame, nor once aborted or the transport closed.</summary>
    public bool CanReceive => (Volatile.Read(ref _flags) & (ReceivedFlag | AbortedFlag | TransportClosedFlag)) == 0;

    /// <summary>The status of our close frame (<see cref="WebSocketCloseStatus.Empty"/> when it had none), or <see langword="null"/> until sent.</summary>
    public WebSocketCloseStatus? SentStatus => (Volatile.Read(ref _flags) & SentFlag) != 0 ? Volatile.Read(ref _details)!.SentStatus : null;

    /// <summary>The reason in our close frame (empty when it had none), or <see langword="null"/> until sent.</summary>
    public string? SentStatusDescription => (Volatile.Read(ref _flags) & SentFlag) != 0 ? Volatile.Read(ref _details)!.SentReason : null;

    /// <summary>The status of the peer's close frame (<see cref="WebSocketCloseStatus.Empty"/> when it had none), or <see langword="null"/> until it arrived.</summary>
    public WebSocketCloseStatus? ReceivedStatus => (Volatile.Read(ref _flags) & ReceivedFlag) != 0 ? Volatile.Read(ref _details)!.ReceivedStatus : null;

    /// <summary>The reason in the peer's close frame (empty when it had none), or <see langword="null"/> until it arrived.</summary>
    public string? ReceivedStatusDescription => (Volatile.Read(ref _flags) & ReceivedFlag) != 0 ? Volatile.Read(ref _details)!.ReceivedReason : null;

    /// <summary>
    /// Records that our close frame is going out (call it once the frame is encoded, before writing it; nothing may
    /// follow it, RFC 6455 §5.5.1).
    /// </summary>
    /// <param name="status">Its status, or <see langword="null"/> for a close frame without one.</param>
    /// <param name="reason">Its reason, or <see langword="null"/> for none.</param>
    /// <param name="completed">Whether this completed the handshake (the peer's close came first): the caller then closes the transport once the frame is written.</param>
    /// <returns><see langword="false"/>, with nothing changed, when a close frame was already sent or the connection is aborted or its transport closed.</returns>
    public bool TryRecordSent(WebSocketCloseStatus? status, string? reason, out bool completed) =>
        TryRecordClose(SentFlag, status ?? WebSocketCloseStatus.Empty, reason ?? string.Empty, out completed);

    /// <summary>Records that the peer's close frame arrived.</summary>
    /// <param name="status">Its status; <see cref="WebSocketCloseStatus.Empty"/> for a close frame without one.</param>
    /// <param name="reason">Its reason, or <see langword="null"/> for none.</param>
    /// <param name="completed">
    /// Whether this completed the handshake (our close went first): the caller then closes the transport, once our
    /// close frame's bytes are out. Otherwise <see cref="IsReplyOwed"/> tells whether a reply is due.
    /// </param>
    /// <returns><see langword="false"/>, with nothing changed, when the peer's close was already recorded or the connection is aborted or its transport closed.</returns>
    public bool TryRecordReceived(WebSocketCloseStatus status, string? reason, out bool completed) =>
        TryRecordClose(ReceivedFlag, status, reason ?? string.Empty, out completed);

    /// <summary>
    /// Records that we failed the connection (RFC 6455 §7.1.7) with <paramref name="status"/>, which from then on is
    /// the <see cref="CloseStatus"/>. It does not abort: send the close frame if you can, then call <see cref="TryAbort"/>.
    /// </summary>
    /// <param name="status">The status the connection failed with (1002, 1007, 1008, 1009, …).</param>
    /// <param name="reason">What was wrong, or <see langword="null"/>.</param>
    public void RecordFailure(WebSocketCloseStatus status, string? reason)
    {
        while (true)
        {
            CloseDetails? details = Volatile.Read(ref _details);
            CloseDetails next = (details ?? CloseDetails.None).WithFailure(status, reason ?? string.Empty);
            if (Interlocked.CompareExchange(ref _details, next, details) == details)
            {
                break;
            }
        }

        SetFlag(FailedFlag);
    }

    /// <summary>Aborts: no close frame may be sent or recorded any more. A completed handshake stays <see cref="WebSocketState.Closed"/>.</summary>
    /// <returns><see langword="true"/> when this call aborted; <see langword="false"/> when already aborted or complete.</returns>
    public bool TryAbort()
    {
        while (true)
        {
            int flags = Volatile.Read(ref _flags);
            if ((flags & AbortedFlag) != 0 || (flags & CompleteFlags) == CompleteFlags)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _flags, flags | AbortedFlag, flags) == flags)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Records that the transport was closed. Before a complete handshake this counts as an abort: the state becomes
    /// <see cref="WebSocketState.Aborted"/> and nothing more may be sent or received.
    /// </summary>
    public void RecordTransportClosed() => SetFlag(TransportClosedFlag);

    /// <summary>Forgets everything, as for a new connection. Not safe against concurrent use.</summary>
    public void Reset()
    {
        Volatile.Write(ref _details, null);
        Volatile.Write(ref _flags, 0);
    }

    // A consistent copy for readers on other threads: the flags first, then the statuses, which are published before
    // their flags, so the copy never has a flag without its status.
    internal CloseHandshake Snapshot()
    {
        CloseHandshake copy = default;
        copy._flags = Volatile.Read(ref _flags);
        copy._details = Volatile.Read(ref _details);
        return copy;
    }

    private static WebSocketState GetState(int flags) =>
        (flags & CompleteFlags) == CompleteFlags ? WebSocketState.Closed
        : (flags & (AbortedFlag | TransportClosedFlag)) != 0 ? WebSocketState.Aborted
        : (flags & ReceivedFlag) != 0 ? WebSocketState.CloseReceived
        : (flags & SentFlag) != 0 ? WebSocketState.CloseSent
        : WebSocketState.Open;

    private bool TryRecordClose(int flag, WebSocketCloseStatus status, string reason, out bool completed)
    {
        completed = false;
        const int Refusing = AbortedFlag | TransportClosedFlag;
        int flags = Volatile.Read(ref _flags);
        if ((flags & (flag | Refusing)) != 0)
        {
            return false;
        }

        // The status first, then the flag: whoever sees the flag finds the status.
        while (true)
        {
            CloseDetails? details = Volatile.Read(ref _details);
            CloseDetails next = (details ?? CloseDetails.None).With(flag, status, reason);
            if (Interlocked.CompareExchange(ref _details, next, details) == details)
            {
                break;
            }
        }

        while (true)
        {
            // Both sides may race here; the compare-and-swap orders them, so only the second sees the other's flag.
            if (Interlocked.CompareExchange(ref _flags, flags | flag, flags) == flags)
            {
                completed = ((flags | flag) & CompleteFlags) == CompleteFlags;
                return true;
            }

            flags = Volatile.Read(ref _flags);
            if ((flags & (flag | Refusing)) != 0)
            {
                // Aborted meanwhile (the status published above stays unread: its flag is never set).
                return false;
            }
        }
    }

    private void SetFlag(int flag)
    {
        while (true)
        {
            int flags = Volatile.Read(ref _flags);
            if ((flags & flag) != 0 || Interlocked.CompareExchange(ref _flags, flags | flag, flags) == flags)
            {
                return;
            }
        }
    }

    // The statuses and reasons, immutable: each event publishes a copy with its own part filled in.
    private sealed class CloseDetails
    {
        public static readonly CloseDetails None = new();

        public WebSocketCloseStatus SentStatus { get; private init; }

        public string? SentReason { get; private init; }

        public WebSocketCloseStatus ReceivedStatus { get; private init; }

        public string? ReceivedReason { get; private init; }

        public WebSocketCloseStatus FailureStatus { get; private init; }

        public string? FailureReason { get; private init; }

        public CloseDetails With(int flag, WebSocketCloseStatus status, string reason) =>
            flag == SentFlag ? Copy(status, reason, ReceivedStatus, ReceivedReason, FailureStatus, FailureReason)
            : Copy(SentStatus, SentReason, status, reason, FailureStatus, FailureReason);

        public CloseDetails WithFailure(WebSocketCloseStatus status, string reason) =>
            Copy(SentStatus, SentReason, ReceivedStatus, ReceivedReason, status, reason);

        private static CloseDetails Copy(WebSocketCloseStatus sent, string? sentReason, WebSocketCloseStatus received, string? receivedReason, WebSocketCloseStatus failure, string? failureReason) => new()
        {
            SentStatus = sent,
            SentReason = sentReason,
            ReceivedStatus = received,
            ReceivedReason = receivedReason,
            FailureStatus = failure,
            FailureReason = failureReason,
        };
    }
}

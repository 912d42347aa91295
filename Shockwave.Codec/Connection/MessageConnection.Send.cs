using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

// The send side: every public send builds a SendRequest; Plan turns it into a SendPlan under the write turn; then the
// blocking pump (Send) or the asynchronous one (SendAsync, PumpAsync) writes the plan's steps. The twins differ only in
// the transport call.
public sealed partial class MessageConnection : WriteGate.IOwner
{
    /// <summary>Sends a whole message as one frame.</summary>
    /// <param name="messageType">Text (the payload must be UTF-8) or binary.</param>
    /// <param name="payload">The message.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn; a write cancelled mid-frame aborts the connection.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    /// <exception cref="InvalidOperationException">A fragmented message written with <see cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, CancellationToken)"/> is still open.</exception>
    public ValueTask WriteMessageAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        SendAsync(SendRequest.Message(messageType), payload, default, cancellationToken);

    /// <inheritdoc cref="WriteMessageAsync" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void WriteMessage(WebSocketMessageType messageType, ReadOnlySpan<byte> payload) =>
        Send(SendRequest.Message(messageType), payload, default);

    /// <summary>Sends one fragment of a message (RFC 6455 §5.4); the first fixes the type, the one with <paramref name="endOfMessage"/> ends it.</summary>
    /// <param name="messageType">Text or binary, the same for every fragment of a message.</param>
    /// <param name="payload">This fragment's bytes (for text, a fragment may end inside a character).</param>
    /// <param name="endOfMessage">Whether this fragment ends the message.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    public ValueTask WriteFragmentAsync(WebSocketMessageType messageType, ReadOnlyMemory<byte> payload, bool endOfMessage, CancellationToken cancellationToken = default) =>
        SendAsync(SendRequest.Fragment(messageType, endOfMessage, compress: true), payload, default, cancellationToken);

    /// <inheritdoc cref="WriteFragmentAsync(WebSocketMessageType, ReadOnlyMemory{byte}, bool, CancellationToken)" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void WriteFragment(WebSocketMessageType messageType, ReadOnlySpan<byte> payload, bool endOfMessage) =>
        Send(SendRequest.Fragment(messageType, endOfMessage, compress: true), payload, default);

    /// <summary>Sends a text message from UTF-16 text, transcoded straight into the send buffer (no intermediate array).</summary>
    /// <param name="text">The text; a lone surrogate is refused.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    /// <exception cref="WebSocketException">The connection is closed or the transport failed.</exception>
    public ValueTask WriteTextAsync(ReadOnlyMemory<char> text, CancellationToken cancellationToken = default) =>
        SendAsync(SendRequest.Text, default, text, cancellationToken);

    /// <summary>Sends a text message from a string, transcoded straight into the send buffer.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the frame was handed to the transport.</returns>
    public ValueTask WriteTextAsync(string text, CancellationToken cancellationToken = default) =>
        WriteTextAsync(text.AsMemory(), cancellationToken);

    /// <inheritdoc cref="WriteTextAsync(ReadOnlyMemory{char}, CancellationToken)" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void WriteText(ReadOnlySpan<char> text) => Send(SendRequest.Text, default, text);

    /// <inheritdoc cref="WriteTextAsync(string, CancellationToken)" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void WriteText(string text) => Send(SendRequest.Text, default, text.AsSpan());

    /// <summary>Sends a ping (RFC 6455 §5.5.2); the peer answers with a pong, which the reader consumes.</summary>
    /// <param name="payload">At most 125 bytes.</param>
    /// <param name="cancellationToken">Cancels the wait for the write turn.</param>
    /// <returns>A task that completes when the ping was handed to the transport.</returns>
    /// <exception cref="ArgumentException">The payload is longer than 125 bytes.</exception>
    public ValueTask PingAsync(ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default)
    {
        FrameRules.ValidateControlPayload(payload.Length, nameof(payload));
        return SendControlAsync(Opcode.Ping, payload, cancellationToken);
    }

    /// <inheritdoc cref="PingAsync" path="/*[not(self::returns)]"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking I/O.</exception>
    public void Ping(ReadOnlySpan<byte> payload = default)
    {
        FrameRules.ValidateControlPayload(payload.Length, nameof(payload));
        SendControl(Opcode.Ping, payload);
    }

    // The asynchronous pump's entry. Fast path for the common case, the write turn free: plan and start the first
    // write synchronously, and when the transport completes it at once and nothing more is owed, there is no async
    // state machine at all (in-memory transports, a socket with room to send).
    private ValueTask SendAsync(in SendRequest request, ReadOnlyMemory<byte> payload, ReadOnlyMemory<char> text, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || !_writeGate.TryEnter())
        {
            return PumpAsync(request, payload, text, default, default, planned: false, cancellationToken);
        }

        var plan = default(SendPlan);
        ValueTask write = default;
        try
        {
            Plan(request, payload.Span, text.Span, ref plan);
            if (plan.MoveNext(_encoder, payload.Span))
            {
                write = _transport.StartWrite(plan.Head, plan.PayloadFollows ? payload : default, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Reported through the task, as the async path does: a caller may start a write and await it later.
            EndSend(ref plan);
            return new ValueTask(Task.FromException(ex));
        }

        if (!write.IsCompletedSuccessfully || plan.HasMore)
        {
            return PumpAsync(request, payload, text, plan, write, planned: true, cancellationToken);
        }

        write.GetAwaiter().GetResult();
        EndSend(ref plan);
        return default;
    }

    // The rest of an asynchronous send: take the turn and plan unless the fast path did, then write every step.
#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
#endif
    private async ValueTask PumpAsync(SendRequest request, ReadOnlyMemory<byte> payload, ReadOnlyMemory<char> text, SendPlan plan, ValueTask write, bool planned, CancellationToken cancellationToken)
    {
        if (!planned)
        {
            await WriteGate.EnterAsync(this, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (!planned)
            {
                Plan(request, payload.Span, text.Span, ref plan);
            }

            while (true)
            {
                try
                {
                    await write.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not WebSocketException)
                {
                    throw OnTransportFailure(ex, cancellationToken);
                }

                if (!plan.MoveNext(_encoder, payload.Span))
                {
                    break;
                }

                write = _transport.StartWrite(plan.Head, plan.PayloadFollows ? payload : default, cancellationToken);
            }
        }
        finally
        {
            EndSend(ref plan);
        }
    }

    // The blocking pump: the same plan, each step written with the transport's blocking write.
    private void Send(in SendRequest request, ReadOnlySpan<byte> payload, ReadOnlySpan<char> text)
    {
        _transport.ThrowIfNoBlockingIO();
        _writeGate.Enter();
        var plan = default(SendPlan);
        try
        {
            Plan(request, payload, text, ref plan);
            while (plan.MoveNext(_encoder, payload))
            {
                WriteTransport(plan.Head.Span);
                if (plan.PayloadFollows)
                {
                    WriteTransport(payload);
                }
            }
        }
        finally
        {
            EndSend(ref plan);
        }
    }

    // The one planning step of every send, run under the write turn: the checks here, then the encoder's frame (or
    // header) and the shape of what follows in the plan.
    private void Plan(in SendRequest request, ReadOnlySpan<byte> payload, ReadOnlySpan<char> text, ref SendPlan plan)
    {
        switch (request.Kind)
        {
            case SendKind.Close:
                PlanClose(request.CloseStatus, request.Reason, ref plan);
                return;
            case SendKind.Pong when !_close.CanSend:
                // After our close frame nothing more may be sent (RFC 6455 §5.5.1), not even the pong a late ping asks for.
                return;
        }

        ThrowIfCannotSend();
        if (request.WholeMessage && _encoder.IsMessageInProgress)
        {
            ThrowHelper.ThrowInvalidOperation_MessageInProgress(nameof(WriteFragmentAsync));
        }

        try
        {
            plan.Encode(_encoder, Pool, request, payload, text);
        }
        catch (ObjectDisposedException) when (State is WebSocketState.Closed or WebSocketState.Aborted)
        {
            // An abort released the encoder's compressor between our state check and the write.
            throw ThrowHelper.CreateWebSocketInvalidState(State);
        }
    }

    private void EndSend(ref SendPlan plan)
    {
        plan.Release(Pool);
        _writeGate.Exit();
        if (plan.CompletesHandshake)
        {
            // The peer's close came first: ours, now out, completes the handshake (RFC 6455 §7.1.1).
            ShutDown();
        }
    }

    // The pongs the reader owes and the keep-alive's pings come through here.
    private ValueTask SendControlAsync(Opcode opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        SendAsync(SendRequest.Control(opcode), payload, default, cancellationToken);

    private void SendControl(Opcode opcode, ReadOnlySpan<byte> payload) => Send(SendRequest.Control(opcode), payload, default);

    ref WriteGate WriteGate.IOwner.WriteGate => ref _writeGate;

    // The blocking twin: any exception from the transport, whatever its type, leaves the stream in an unknown state.
    private void WriteTransport(ReadOnlySpan<byte> data)
    {
        try
        {
            _transport.Write(data);
        }
        catch (Exception ex) when (ex is not WebSocketException)
        {
            throw OnTransportFailure(ex, CancellationToken.None);
        }
    }

    private void ThrowIfCannotSend()
    {
        if (!_close.CanSend)
        {
            throw ThrowHelper.CreateWebSocketInvalidState(State);
        }
    }
}

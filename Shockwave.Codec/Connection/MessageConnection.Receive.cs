using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    /// <summary>The length of the receive buffer now held (0 while none is), for tests of the size classes.</summary>
    internal int ReceiveBufferCapacity => _receive.Capacity;

    /// <summary>
    /// Reads the next part of a message into <paramref name="buffer"/>: a message larger than the buffer arrives in
    /// several parts, the last with <see cref="MessageReadResult.EndOfMessage"/>. Large payloads are read from the
    /// transport straight into <paramref name="buffer"/> and unmasked there, without a copy.
    /// </summary>
    /// <param name="buffer">
    /// Where the payload goes. An empty buffer waits until the next payload bytes (or a close) have arrived and
    /// returns a count of 0 without taking any of them, so an idle reader can wait holding no buffer.
    /// </param>
    /// <param name="cancellationToken">Cancels the read; a cancelled read aborts the connection, as the stream is left mid-frame.</param>
    /// <returns>How many bytes arrived, their message type, and whether the message ended. A result of type
    /// <see cref="WebSocketMessageType.Close"/> means the peer closed: the close was answered and <see cref="CloseStatus"/> set.</returns>
    /// <exception cref="WebSocketProtocolException">The peer broke the protocol; the connection was closed with the matching code.</exception>
    /// <exception cref="WebSocketException">The transport failed or ended mid-message, or the connection is closed.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    public async ValueTask<MessageReadResult> ReadMessageIntoAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // One flat state machine with one await: while a read is pending (an idle connection's normal state) its box
        // is the only heap the read holds, so it keeps nothing but the step across the await (every call it awaits
        // is a ValueTask<int>, so the box has one awaiter field) and the helpers are synchronous.
        EnterRead();
        try
        {
            while (true)
            {
                ReadStep step = PlanRead(buffer.Span, _transport.CanWaitWithoutBuffer, out DecodeResult decoded);
                if (step == ReadStep.Deliver)
                {
                    return Delivered(decoded);
                }

                int count = await RunAsync(step, decoded, buffer, cancellationToken).ConfigureAwait(false);
                if (CompleteRead(step, buffer.Span, count, out MessageReadResult result))
                {
                    return result;
                }
            }
        }
        catch (Exception ex) when (ex is not WebSocketException and not WebSocketProtocolException)
        {
            throw OnTransportFailure(ex, cancellationToken);
        }
        finally
        {
            ExitRead();
        }
    }

    /// <inheritdoc cref="ReadMessageIntoAsync"/>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking reads.</exception>
    public MessageReadResult ReadMessageInto(Span<byte> buffer)
    {
        _transport.ThrowIfNoBlockingIO();
        EnterRead();
        try
        {
            while (true)
            {
                // A blocking read cannot wait without a buffer: a zero-byte read is only promised for ReadAsync.
                ReadStep step = PlanRead(buffer, canWaitWithoutBuffer: false, out DecodeResult decoded);
                if (step == ReadStep.Deliver)
                {
                    return Delivered(decoded);
                }

                int count = Run(step, decoded, buffer);
                if (CompleteRead(step, buffer, count, out MessageReadResult result))
                {
                    return result;
                }
            }
        }
        catch (Exception ex) when (ex is not WebSocketException and not WebSocketProtocolException)
        {
            throw OnTransportFailure(ex, CancellationToken.None);
        }
        finally
        {
            ExitRead();
        }
    }

    // The one planning step of both twins (ReceiveBuffer.Plan.cs); the twins make the one transport call it names (a
    // read, or a send the peer's frame asks for) and hand its count to CompleteRead.
    private ReadStep PlanRead(Span<byte> destination, bool canWaitWithoutBuffer, out DecodeResult decoded) =>
        _receive.Plan(_decoder, destination, canWaitWithoutBuffer, Pool, MaxReceiveBuffer, out decoded);

    // The asynchronous transport call of a step. The replies a decoded frame asks for (a pong, the close reply, a
    // failure's close) are sends, wrapped as counts so the read awaits one type.
    private ValueTask<int> RunAsync(ReadStep step, in DecodeResult decoded, Memory<byte> destination, CancellationToken cancellationToken) =>
        step switch
        {
            ReadStep.Read => _transport.ReadAsync(_receive.Free, cancellationToken),
            ReadStep.ReadDirect => _transport.ReadAsync(destination[.._receive.DirectReadLength(_decoder, destination.Length)], cancellationToken),
            ReadStep.WaitForData => _transport.WaitForDataAsync(cancellationToken),
            _ => ReplyAsync(step, decoded),
        };

#if NET6_0_OR_GREATER
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<int> ReplyAsync(ReadStep step, DecodeResult decoded)
    {
        if (step == ReadStep.Pong)
        {
            // RFC 6455 §5.5.3: the pong echoes the ping's payload, which the decoder left in the receive buffer.
            await SendControlAsync(Opcode.Pong, _receive.ConsumedTail(decoded.PayloadLength), CancellationToken.None).ConfigureAwait(false);
            return 0;
        }

        try
        {
            // A failure's close waits for the write turn no longer than the close timeout.
            using CancellationTokenSource? timeout = step == ReadStep.Fail ? new CancellationTokenSource(_options.CloseTimeout) : null;
            if (step == ReadStep.Fail || NeedsCloseSend(decoded))
            {
                await SendAsync(CloseFor(step, decoded), default, default, timeout?.Token ?? default).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Best effort: the peer may already have closed the transport, or (after a failure) may not be reading.
        }

        return step == ReadStep.Fail ? throw Failed(decoded) : 0;
    }

    // The blocking twin of RunAsync (which PlanRead never asks to wait without a buffer).
    private int Run(ReadStep step, in DecodeResult decoded, Span<byte> destination)
    {
        switch (step)
        {
            case ReadStep.Read:
                return _transport.Read(_receive.Free.Span);
            case ReadStep.ReadDirect:
                return _transport.Read(destination[.._receive.DirectReadLength(_decoder, destination.Length)]);
            case ReadStep.Pong:
                SendControl(Opcode.Pong, _receive.ConsumedTail(decoded.PayloadLength));
                return 0;
        }

        try
        {
            if (step == ReadStep.Fail || NeedsCloseSend(decoded))
            {
                Send(CloseFor(step, decoded), default, default);
            }
        }
        catch (WebSocketException)
        {
            // As in the asynchronous twin.
        }

        return step == ReadStep.Fail ? throw Failed(decoded) : 0;
    }

    // After the transport call: true when the read is over, with its result.
    private bool CompleteRead(ReadStep step, Span<byte> destination, int count, out MessageReadResult result)
    {
        result = default;
        switch (step)
        {
            case ReadStep.Read:
                _receive.Fill(CheckRead(count));
                return false;
            case ReadStep.ReadDirect:
                // Pure payload of the current frame: the decoder unmasks and checks it in place. Its failure (invalid
                // UTF-8) is sticky, so the next plan reports it.
                DecodeResult decoded = _decoder.Decode(destination.Slice(0, CheckRead(count)), out _);
                result = Delivered(decoded);
                return decoded.Kind == DecodeResultKind.MessageData;
            case ReadStep.Close:
                result = CloseResult;
                return true;
            default:
                return false;
        }
    }

    private static MessageReadResult Delivered(in DecodeResult decoded) => new(decoded.PayloadLength, decoded.MessageType, decoded.EndOfMessage);

    /// <summary>Checks a transport read's count: 0 is the end of the stream, which mid-connection is premature.</summary>
    private int CheckRead(int read)
    {
        if (read == 0)
        {
            Abort();
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The transport ended before the close handshake.");
        }

        _keepAlive.MarkReceived();
        return read;
    }

    private void EnterRead()
    {
        if (Interlocked.Exchange(ref _readInProgress, 1) != 0)
        {
            ThrowHelper.ThrowInvalidOperation("A read is already in progress; MessageConnection allows one reader at a time.");
        }

        if (!_close.CanReceive)
        {
            Volatile.Write(ref _readInProgress, 0);
            throw ThrowHelper.CreateWebSocketInvalidState(State);
        }
    }

    private void ExitRead()
    {
        Volatile.Write(ref _readInProgress, 0);
        if (State is WebSocketState.Closed or WebSocketState.Aborted)
        {
            _receive.Release(Pool);
            _decoder.Dispose();
        }
    }

    // The one mapping of a failed transport call (the callers let WebSocketException and WebSocketProtocolException
    // through as they are): the connection aborts, as part of a frame may be in or out and the stream can no longer be
    // trusted. The caller's own cancellation is thrown again as it is (its stack kept); anything else, a cancellation
    // the caller did not ask for included (our own close cancels a transport we do not own), is the transport failing.
    private WebSocketException OnTransportFailure(Exception ex, CancellationToken cancellationToken)
    {
        Abort();
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Capture(ex).Throw();
        }

        return new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The transport failed: " + ex.Message, ex);
    }
}

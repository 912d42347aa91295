using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    // Payloads at least this long, with nothing buffered, are read straight into the caller's buffer (zero copy).
    private const int DirectReadThreshold = 4096;

    private byte[]? _receiveBuffer;
    private int _receiveStart;
    private int _receiveEnd;
    private byte _smallReads; // saturates at 255: only "16 or more" matters, and a byte keeps idle connections small
    private bool _growNext;

    // The last control frame or the decoder's failure, kept in a field so the read state machine does not hoist a
    // DecodeResult. A control frame's payload lies in the receive buffer at ControlOffset. (Payload the caller's buffer
    // could not take stays unconsumed in the receive buffer: the decoder remembers it, the connection keeps no cursor.)
    private DecodeResult _controlResult;
    private int _controlOffset;

    private int _readInProgress;

    private int ControlOffset
    {
        get => _controlOffset;
        set => _controlOffset = value;
    }

    /// <summary>The length of the receive buffer now held (0 while none is), for tests of the size classes.</summary>
    internal int ReceiveBufferCapacity => Volatile.Read(ref _receiveBuffer)?.Length ?? 0;

    private enum Step
    {
        Delivered,
        NeedRead,
        Ping,
        Close,
        Fault,
    }

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
        // One flat state machine, awaiting the transport directly: while a read is pending (an idle connection's
        // normal state) its box is the only heap the read holds, so every helper below is synchronous and keeps its
        // state in fields rather than in locals hoisted across an await.
        EnterRead();
        try
        {
            while (true)
            {
                switch (DecodeNext(buffer.Span, out MessageReadResult result))
                {
                    case Step.Delivered:
                        return result;
                    case Step.NeedRead:
                        if (TryGetDirectReadLength(buffer.Length, out int direct))
                        {
                            int payload = CheckRead(await _transport.ReadAsync(buffer.Slice(0, direct), cancellationToken).ConfigureAwait(false));
                            if (DecodeDirect(buffer.Span.Slice(0, payload), out result))
                            {
                                return result;
                            }

                            await FailAsync(_controlResult).ConfigureAwait(false);
                            break;
                        }

                        if (ShouldWaitWithoutBuffer())
                        {
                            // Idle between messages: hold no buffer while waiting, so idle connections cost almost nothing.
                            ReleaseReceiveBuffer();
                            await _transport.WaitForDataAsync(cancellationToken).ConfigureAwait(false);
                        }

                        PrepareReceiveBuffer();
                        AfterFill(CheckRead(await _transport.ReadAsync(_receiveBuffer.AsMemory(_receiveEnd), cancellationToken).ConfigureAwait(false)));
                        break;
                    case Step.Ping:
                        await SendControlAsync(Opcode.Pong, new ReadOnlyMemory<byte>(_receiveBuffer, ControlOffset, _controlResult.PayloadLength), CancellationToken.None).ConfigureAwait(false);
                        break;
                    case Step.Close:
                        await OnCloseReceivedAsync(_controlResult).ConfigureAwait(false);
                        return CloseResult;
                    default:
                        await FailAsync(_controlResult).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up mid-read: the stream may be left inside a frame, so the connection cannot go on.
            Abort();
            throw;
        }
        catch (Exception ex) when (ex is not WebSocketException && ex is not WebSocketProtocolException)
        {
            // Anything else, a cancellation the caller did not ask for included (our own close cancels a transport
            // we do not own), is the transport failing.
            throw OnTransportFailure(ex);
        }
        finally
        {
            ExitRead();
        }
    }

    /// <summary>Reads the next part of a message into <paramref name="buffer"/>, blocking; the synchronous twin of <see cref="ReadMessageIntoAsync"/>.</summary>
    /// <param name="buffer">Where the payload goes.</param>
    /// <returns>As <see cref="ReadMessageIntoAsync"/>.</returns>
    /// <exception cref="WebSocketProtocolException">The peer broke the protocol.</exception>
    /// <exception cref="WebSocketException">The transport failed or the connection is closed.</exception>
    /// <exception cref="NotSupportedException">The transport is a pipe, which has no blocking reads.</exception>
    public MessageReadResult ReadMessageInto(Span<byte> buffer)
    {
        if (!_transport.SupportsSynchronousIO)
        {
            ThrowHelper.ThrowNotSupported("This transport has no blocking reads; use ReadMessageIntoAsync.");
        }

        EnterRead();
        try
        {
            while (true)
            {
                switch (DecodeNext(buffer, out MessageReadResult result))
                {
                    case Step.Delivered:
                        return result;
                    case Step.NeedRead:
                        PrepareReceiveBuffer();
                        AfterFill(CheckRead(_transport.Read(_receiveBuffer.AsSpan(_receiveEnd))));
                        break;
                    case Step.Ping:
                        SendControl(Opcode.Pong, _receiveBuffer.AsSpan(ControlOffset, _controlResult.PayloadLength));
                        break;
                    case Step.Close:
                        return OnCloseReceived(_controlResult);
                    default:
                        Fail(_controlResult);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is not WebSocketException && ex is not WebSocketProtocolException)
        {
            throw OnTransportFailure(ex);
        }
        finally
        {
            ExitRead();
        }
    }

    // Moves bytes between the receive buffer and the decoder, which unmasks, inflates and checks them straight into the
    // caller's buffer and consumes only what it delivered.
    private Step DecodeNext(Span<byte> destination, out MessageReadResult result)
    {
        while (true)
        {
            Span<byte> window = _receiveBuffer is null ? default : _receiveBuffer.AsSpan(_receiveStart, _receiveEnd - _receiveStart);
            DecodeResult decoded = _decoder.DecodeInto(window, destination, out int consumed);
            int origin = _receiveStart;
            _receiveStart += consumed;
            switch (decoded.Kind)
            {
                case DecodeResultKind.NeedMoreData:
                    result = default;
                    return Step.NeedRead;
                case DecodeResultKind.MessageData:
                    // An empty chunk (an empty fragment, compressed bytes that inflated to nothing yet) is no news, unless
                    // the caller's buffer is empty and payload waits for room: then the read returns 0, taking nothing.
                    if (decoded.PayloadLength == 0 && !decoded.EndOfMessage && !(destination.IsEmpty && _decoder.HasPendingPayload))
                    {
                        continue;
                    }

                    // With a destination every data chunk is delivered into it (PerMessageDeflate is set when agreed).
                    result = new MessageReadResult(decoded.PayloadLength, decoded.MessageType, decoded.EndOfMessage);
                    return Step.Delivered;
                case DecodeResultKind.Pong:
                    continue;
                case DecodeResultKind.Ping:
                case DecodeResultKind.Close:
                    ControlOffset = origin + decoded.PayloadOffset;
                    _controlResult = decoded;
                    result = default;
                    return decoded.Kind == DecodeResultKind.Ping ? Step.Ping : Step.Close;
                default:
                    _controlResult = decoded;
                    result = default;
                    return Step.Fault;
            }
        }
    }

    private bool TryGetDirectReadLength(int destinationLength, out int length)
    {
        // Only pure payload with nothing buffered may bypass the receive buffer: reading no further than the frame's
        // end means no byte of the next frame lands in the caller's memory.
        long remaining = _decoder.PayloadRemaining;
        length = (int)Math.Min(remaining, destinationLength);
        // A compressed payload must go through the decompressor (RFC 7692 §6.2), never straight to the caller.
        return length >= DirectReadThreshold && _receiveStart == _receiveEnd && !_decoder.IsMessageCompressed;
    }

    private bool DecodeDirect(Span<byte> payload, out MessageReadResult result)
    {
        DecodeResult decoded = _decoder.Decode(payload, out _);
        if (decoded.Kind != DecodeResultKind.MessageData)
        {
            _controlResult = decoded;
            result = default;
            return false;
        }

        result = new MessageReadResult(decoded.PayloadLength, decoded.MessageType, decoded.EndOfMessage);
        return true;
    }

    private bool ShouldWaitWithoutBuffer() =>
        _receiveStart == _receiveEnd && _transport.CanWaitWithoutBuffer && !_decoder.IsMessageInProgress && _decoder.PayloadRemaining == 0;

    /// <summary>Checks a transport read's count: 0 is the end of the stream, which mid-connection is premature.</summary>
    private int CheckRead(int read)
    {
        if (read == 0)
        {
            throw OnEndOfStream();
        }

        MarkReceived();
        return read;
    }

    private void PrepareReceiveBuffer()
    {
        int live = _receiveEnd - _receiveStart;
        byte[]? buffer = _receiveBuffer;
        int capacity = buffer?.Length ?? 0;
        int wanted = capacity == 0 ? BufferSizeClass.Smallest : capacity;
        if (_growNext || live == capacity)
        {
            // Frames are larger than the buffer: one class up (a full buffer must grow, or a control frame could not fit).
            wanted = BufferSizeClass.Next(capacity, MaxReceiveBuffer);
            _growNext = false;
            _smallReads = 0;
        }
        else if (live == 0 && _smallReads >= 16 && capacity > BufferSizeClass.Smallest)
        {
            // Sixteen reads in a row used under a quarter of the buffer: one class down.
            wanted = BufferSizeClass.Previous(capacity, BufferSizeClass.Smallest);
            _smallReads = 0;
        }

        if (buffer is null || wanted != capacity)
        {
            byte[] next = Pool.Rent(Math.Max(wanted, live));
            if (buffer is not null)
            {
                Buffer.BlockCopy(buffer, _receiveStart, next, 0, live);
                Pool.Return(buffer);
            }

            _receiveBuffer = next;
            _receiveStart = 0;
            _receiveEnd = live;
        }
        else if (live == 0)
        {
            _receiveStart = _receiveEnd = 0;
        }
        else if (_receiveEnd == capacity || capacity - _receiveEnd < MessageDecoder.MinimumBufferSize)
        {
            // Compact: live bytes to the front, so the read has room.
            Buffer.BlockCopy(buffer, _receiveStart, buffer, 0, live);
            _receiveStart = 0;
            _receiveEnd = live;
        }
    }

    private void AfterFill(int read)
    {
        int capacity = _receiveBuffer!.Length;
        _receiveEnd += read;
        // A read that filled the buffer means frames (or runs of them) outgrow it: one class up before the next read,
        // so that a frame just over a class (a 1 KiB message is a 1,032-byte frame) stops costing two reads.
        if (_receiveEnd == capacity && capacity < MaxReceiveBuffer)
        {
            _growNext = true;
        }

        _smallReads = read <= capacity / 4 ? (byte)Math.Min(_smallReads + 1, byte.MaxValue) : (byte)0;
    }

    private void ReleaseReceiveBuffer()
    {
        byte[]? buffer = Interlocked.Exchange(ref _receiveBuffer, null);
        _receiveStart = _receiveEnd = 0;
        if (buffer is not null)
        {
            Pool.Return(buffer);
        }
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
            ReleaseReceiveBuffer();
            ReleaseDecompressor();
        }
    }

    private WebSocketException OnEndOfStream()
    {
        Abort();
        return new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The transport ended before the close handshake.");
    }

    private WebSocketException OnTransportFailure(Exception ex)
    {
        Abort();
        return ex as WebSocketException ?? new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The transport failed: " + ex.Message, ex);
    }
}

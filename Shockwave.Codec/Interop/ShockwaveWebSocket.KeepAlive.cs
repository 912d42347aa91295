using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;

namespace Shockwave.Codec;

// Keep-alive as .NET does it: without a timeout, an unsolicited pong every interval (RFC 6455 §5.5.3: a one-way
// heartbeat that needs no answer); with one, a ping carrying an 8-byte big-endian counter once the peer has been
// silent for an interval, and an abort when nothing at all arrives within the timeout after it.
public sealed partial class ShockwaveWebSocket
{
    private Timer? _keepAliveTimer;
    private TimeSpan _keepAliveInterval;
    private TimeSpan _keepAliveTimeout;
    private long _pingCounter;
    private long _pingSentAt;
    private int _keepAliveBusy;
    private WebSocketException? _keepAliveFailure;

    private void StartKeepAlive(TimeSpan interval, TimeSpan timeout)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        _keepAliveInterval = interval;
        _keepAliveTimeout = timeout;

        // With a timeout the timer ticks more often than the interval, so that a ping goes out and a timeout is
        // noticed without a whole interval's delay. A weak reference keeps an undisposed socket collectable.
        TimeSpan period = timeout == Timeout.InfiniteTimeSpan
            ? interval
            : TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, Math.Min(interval.Ticks, timeout.Ticks) / 4));
        _keepAliveTimer = new Timer(static state => OnKeepAliveTick((WeakReference<ShockwaveWebSocket>)state!), new WeakReference<ShockwaveWebSocket>(this), period, period);
    }

    private void StopKeepAlive() => Interlocked.Exchange(ref _keepAliveTimer, null)?.Dispose();

    private static void OnKeepAliveTick(WeakReference<ShockwaveWebSocket> reference)
    {
        if (!reference.TryGetTarget(out ShockwaveWebSocket? socket) || Interlocked.Exchange(ref socket._keepAliveBusy, 1) != 0)
        {
            // Collected, or the previous tick is still sending: a slow transport gets no pile of heartbeats.
            return;
        }

        _ = socket._keepAliveTimeout == Timeout.InfiniteTimeSpan ? socket.SendHeartbeatAsync() : socket.PingOrTimeOutAsync();
    }

    private async Task SendHeartbeatAsync()
    {
        try
        {
            await _connection.PongAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // A heartbeat only keeps an idle path open; when the connection is closing or gone it has nothing to do.
        }
        finally
        {
            Volatile.Write(ref _keepAliveBusy, 0);
        }
    }

    private async Task PingOrTimeOutAsync()
    {
        try
        {
            long now = Stopwatch.GetTimestamp();
            long lastReceived = _connection.LastReceivedTimestamp;
            long pingSentAt = Volatile.Read(ref _pingSentAt);
            if (pingSentAt != 0)
            {
                if (lastReceived >= pingSentAt)
                {
                    // Something arrived after the ping (its pong, or anything else): the peer is alive.
                    Volatile.Write(ref _pingSentAt, 0);
                }
                else if (Elapsed(pingSentAt, now) >= _keepAliveTimeout)
                {
                    _keepAliveFailure = new WebSocketException(WebSocketError.Faulted, "Nothing arrived from the peer within the keep-alive timeout after a ping.");
                    Abort();
                }

                return;
            }

            if (Elapsed(lastReceived, now) >= _keepAliveInterval && State is WebSocketState.Open or WebSocketState.CloseSent or WebSocketState.CloseReceived)
            {
                byte[] payload = new byte[sizeof(long)];
                BinaryPrimitives.WriteInt64BigEndian(payload, Interlocked.Increment(ref _pingCounter));
                Volatile.Write(ref _pingSentAt, now);
                await _connection.PingAsync(payload).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // The connection closed under the timer; the next operation reports it.
        }
        finally
        {
            Volatile.Write(ref _keepAliveBusy, 0);
        }
    }

    private static TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((double)(to - from) / Stopwatch.Frequency);
}

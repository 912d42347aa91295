using System.Diagnostics;
using System.Net.WebSockets;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    // The timer and the ping time live in their own object, made only when keep-alive is on (it is off by default).
    private KeepAliveState? _keepAlive;
    private long _lastReceived = Stopwatch.GetTimestamp();
    private int _receivedSinceLook;

    private void StartKeepAlive()
    {
        if (_options.KeepAliveInterval > TimeSpan.Zero)
        {
            var keepAlive = new KeepAliveState();
            _keepAlive = keepAlive;
            keepAlive.Timer = new Timer(static state => ((MessageConnection)state!).OnKeepAliveTick(), this, _options.KeepAliveInterval, _options.KeepAliveInterval);
        }
    }

    private void StopKeepAlive()
    {
        if (_keepAlive is { } keepAlive)
        {
            Interlocked.Exchange(ref keepAlive.Timer, null)?.Dispose();
        }
    }

    // Reads only raise a flag: reading the clock costs ~230 ns on this class of VM, more than a small round trip may
    // spend. Whoever needs the time (the keep-alive tick, the adapter) turns the flag into a timestamp when it looks,
    // which is precise to one tick - all keep-alive needs.
    private void MarkReceived() => Volatile.Write(ref _receivedSinceLook, 1);

    /// <summary>
    /// When bytes last arrived from the transport, as a <see cref="Stopwatch"/> timestamp (at first, the connection's
    /// creation); compare it with <see cref="Stopwatch.GetTimestamp"/> to tell how long the peer has been silent, for
    /// a keep-alive of your own. Arrivals are only flagged (reading the clock on every read would cost more than a
    /// small message), and the clock is read when this is asked: the value is at or after the last arrival, by at most
    /// the time between two looks.
    /// </summary>
    public long LastReceivedTimestamp => LastReceived;

    private long LastReceived
    {
        get
        {
            if (Volatile.Read(ref _receivedSinceLook) != 0 && Interlocked.Exchange(ref _receivedSinceLook, 0) != 0)
            {
                Volatile.Write(ref _lastReceived, Stopwatch.GetTimestamp());
            }

            return Volatile.Read(ref _lastReceived);
        }
    }

    private void OnKeepAliveTick()
    {
        if (State != WebSocketState.Open || _keepAlive is not { } keepAlive)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        long lastReceived = LastReceived;
        long pingSentAt = Volatile.Read(ref keepAlive.PingSentAt);
        if (pingSentAt != 0 && lastReceived < pingSentAt)
        {
            // Nothing at all came back since our ping: the peer (or the path to it) is dead once the timeout passes.
            // Only a running read sees what arrives, so keep-alive expects the application to keep a read pending.
            if (_options.KeepAliveTimeout != Timeout.InfiniteTimeSpan && Elapsed(pingSentAt, now) >= _options.KeepAliveTimeout)
            {
                Abort();
            }

            return;
        }

        if (Elapsed(lastReceived, now) >= _options.KeepAliveInterval)
        {
            Volatile.Write(ref keepAlive.PingSentAt, now);
            _ = PingFromTimerAsync();
        }
        else
        {
            Volatile.Write(ref keepAlive.PingSentAt, 0);
        }
    }

    private async Task PingFromTimerAsync()
    {
        try
        {
            await SendControlAsync(Opcode.Ping, ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection closed under the timer; nothing to keep alive.
        }
    }

    private static TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((double)(to - from) / Stopwatch.Frequency);

    private sealed class KeepAliveState
    {
        public Timer? Timer;
        public long PingSentAt;
    }
}

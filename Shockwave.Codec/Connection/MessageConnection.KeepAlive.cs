using System.Diagnostics;
using System.Net.WebSockets;

namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    private Timer? _keepAliveTimer;
    private long _lastReceived = Stopwatch.GetTimestamp();
    private int _receivedSinceLook;
    private long _pingSentAt;

    private void StartKeepAlive()
    {
        if (_options.KeepAliveInterval > TimeSpan.Zero)
        {
            _keepAliveTimer = new Timer(static state => ((MessageConnection)state!).OnKeepAliveTick(), this, _options.KeepAliveInterval, _options.KeepAliveInterval);
        }
    }

    private void StopKeepAlive() => Interlocked.Exchange(ref _keepAliveTimer, null)?.Dispose();

    // Reads only raise a flag: reading the clock costs ~230 ns on this class of VM, more than a small round trip may
    // spend. Whoever needs the time (the keep-alive tick, the adapter) turns the flag into a timestamp when it looks,
    // which is precise to one tick - all keep-alive needs.
    private void MarkReceived() => Volatile.Write(ref _receivedSinceLook, 1);

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
        if (State != WebSocketState.Open)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        long lastReceived = LastReceived;
        long pingSentAt = Volatile.Read(ref _pingSentAt);
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
            Volatile.Write(ref _pingSentAt, now);
            _ = PingFromTimerAsync();
        }
        else
        {
            Volatile.Write(ref _pingSentAt, 0);
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
}

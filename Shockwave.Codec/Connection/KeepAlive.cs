using System.Diagnostics;

namespace Shockwave.Codec;

/// <summary>What a keep-alive tick asks of the connection.</summary>
internal enum KeepAliveAction : byte
{
    /// <summary>Nothing: the peer spoke recently, or our ping is still within its timeout.</summary>
    None,

    /// <summary>Send a ping (RFC 6455 §5.5.2): the peer has been silent for a whole interval.</summary>
    Ping,

    /// <summary>Abort: nothing came back within the timeout after our ping, so the peer or the path to it is gone.</summary>
    Abort,
}

/// <summary>
/// When bytes last arrived, and the keep-alive timer that pings a silent peer and gives up on a dead one. A mutable
/// struct embedded in the connection: never copy it, never make the field holding it readonly.
/// </summary>
/// <remarks>
/// <para>
/// Reads only mark an arrival: reading the clock costs ~230 ns on this class of VM, more than a small round trip may
/// spend. Whoever needs the time (a tick, the adapter) turns the mark into a timestamp when it looks, precise to the
/// time between two looks - all keep-alive needs.
/// </para>
/// <para>
/// The timer and the ping time live in an object made only when keep-alive is on (it is off by default): a
/// connection without keep-alive pays one null reference and the arrival time.
/// </para>
/// </remarks>
internal struct KeepAlive
{
    // Not a timestamp (those are positive): bytes arrived since the last look.
    private const long ArrivedSinceLook = long.MinValue;

    private Ticker? _ticker;
    private long _lastReceived;

    /// <summary>Starts with no keep-alive, as if bytes last arrived at <paramref name="now"/>.</summary>
    /// <param name="now">A <see cref="Stopwatch"/> timestamp, usually the connection's creation.</param>
    public KeepAlive(long now) => _lastReceived = now;

    /// <summary>Whether the timer runs (tests).</summary>
    public readonly bool IsRunning => _ticker is { Timer: not null };

    /// <summary>When bytes last arrived, as a <see cref="Stopwatch"/> timestamp; reads the clock only if some arrived since the last look.</summary>
    public long LastReceived
    {
        get
        {
            long last = Volatile.Read(ref _lastReceived);
            return last != ArrivedSinceLook ? last : Resolve(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Marks that bytes arrived: one store, no clock.</summary>
    public void MarkReceived() => Volatile.Write(ref _lastReceived, ArrivedSinceLook);

    /// <summary>Starts the timer, which calls <paramref name="onTick"/> every <paramref name="interval"/>.</summary>
    /// <param name="interval">The keep-alive interval, positive.</param>
    /// <param name="onTick">The tick, which calls <see cref="Tick"/> and acts on its answer.</param>
    /// <param name="state">The state handed to <paramref name="onTick"/>: the connection.</param>
    public void Start(TimeSpan interval, TimerCallback onTick, object state)
    {
        // The ticker is published before the timer exists, so a first tick that comes early finds it.
        var ticker = new Ticker();
        _ticker = ticker;
        ticker.Timer = new Timer(onTick, state, interval, interval);
    }

    /// <summary>Stops the timer for good; idempotent.</summary>
    public readonly void Stop()
    {
        if (_ticker is { } ticker)
        {
            Interlocked.Exchange(ref ticker.Timer, null)?.Dispose();
        }
    }

    /// <summary>Decides what a tick at <paramref name="now"/> asks for; <see cref="KeepAliveAction.None"/> when keep-alive is off.</summary>
    /// <param name="now">The tick's <see cref="Stopwatch"/> timestamp.</param>
    /// <param name="interval">How long the peer may be silent before we ping.</param>
    /// <param name="timeout">How long after our ping the peer may stay silent; <see cref="Timeout.InfiniteTimeSpan"/> for ever.</param>
    /// <returns>Ping when the peer has been silent an interval, Abort when nothing came back within the timeout of our ping.</returns>
    public KeepAliveAction Tick(long now, TimeSpan interval, TimeSpan timeout)
    {
        if (_ticker is not { } ticker)
        {
            return KeepAliveAction.None;
        }

        long last = Volatile.Read(ref _lastReceived);
        long lastReceived = last != ArrivedSinceLook ? last : Resolve(now);
        long pingSentAt = Volatile.Read(ref ticker.PingSentAt);
        if (pingSentAt != 0 && lastReceived < pingSentAt)
        {
            // Nothing at all came back since our ping. Only a running read sees what arrives, so keep-alive expects
            // the application to keep a read pending.
            return timeout != Timeout.InfiniteTimeSpan && Elapsed(pingSentAt, now) >= timeout ? KeepAliveAction.Abort : KeepAliveAction.None;
        }

        if (Elapsed(lastReceived, now) >= interval)
        {
            Volatile.Write(ref ticker.PingSentAt, now);
            return KeepAliveAction.Ping;
        }

        Volatile.Write(ref ticker.PingSentAt, 0);
        return KeepAliveAction.None;
    }

    // Turns the arrival mark into the looker's clock reading. Two lookers may race: one stores its reading, both
    // return what is stored. An arrival marked while this runs may be stamped with this reading, a few instructions
    // early, which no keep-alive decision can tell.
    private long Resolve(long now)
    {
        long seen = Interlocked.CompareExchange(ref _lastReceived, now, ArrivedSinceLook);
        return seen == ArrivedSinceLook ? now : seen;
    }

    private static TimeSpan Elapsed(long from, long to) => TimeSpan.FromSeconds((double)(to - from) / Stopwatch.Frequency);

    private sealed class Ticker
    {
        public Timer? Timer;
        public long PingSentAt;
    }
}

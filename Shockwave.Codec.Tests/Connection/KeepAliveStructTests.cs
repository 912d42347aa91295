using System.Diagnostics;
using System.Runtime.CompilerServices;
using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>
/// <see cref="KeepAlive"/> alone, on a clock the test sets: when a tick pings, waits or aborts, and how an arrival
/// mark becomes a timestamp. (<see cref="KeepAliveTests"/> checks the same behaviour through a connection.)
/// </summary>
public class KeepAliveStructTests
{
    private static readonly long Start = 1_000 * Stopwatch.Frequency;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TimeoutAfterPing = TimeSpan.FromSeconds(2);

    [Fact]
    public void Costs_a_reference_and_a_timestamp_and_no_object_while_off()
    {
        Assert.Equal(16, Unsafe.SizeOf<KeepAlive>());
        var keepAlive = new KeepAlive(Start);
        Assert.False(keepAlive.IsRunning);

        // Off: however long the silence, a tick asks for nothing.
        Assert.Equal(KeepAliveAction.None, keepAlive.Tick(At(3600), Interval, TimeoutAfterPing));
        Assert.Equal(Start, keepAlive.LastReceived);
    }

    [Fact]
    public void A_silent_peer_is_pinged_after_an_interval_and_aborted_after_the_timeout()
    {
        KeepAlive keepAlive = Running();
        Assert.Equal(KeepAliveAction.None, keepAlive.Tick(At(0.5), Interval, TimeoutAfterPing));
        Assert.Equal(KeepAliveAction.Ping, keepAlive.Tick(At(1), Interval, TimeoutAfterPing));
        Assert.Equal(KeepAliveAction.None, keepAlive.Tick(At(2), Interval, TimeoutAfterPing));
        Assert.Equal(KeepAliveAction.None, keepAlive.Tick(At(2.9), Interval, TimeoutAfterPing));
        Assert.Equal(KeepAliveAction.Abort, keepAlive.Tick(At(3), Interval, TimeoutAfterPing));
        keepAlive.Stop();
    }

    [Fact]
    public void An_answer_after_the_ping_clears_it_and_the_next_silence_is_pinged_again()
    {
        KeepAlive keepAlive = Running();
        Assert.Equal(KeepAliveAction.Ping, keepAlive.Tick(At(1), Interval, TimeoutAfterPing));
        keepAlive.MarkReceived();

        // The tick turns the mark into its own time: the peer spoke "at 2.5", after our ping.
        Assert.Equal(KeepAliveAction.None, keepAlive.Tick(At(2.5), Interval, TimeoutAfterPing));
        Assert.Equal(At(2.5), keepAlive.LastReceived);
        Assert.Equal(KeepAliveAction.None, keepAlive.Tick(At(3), Interval, TimeoutAfterPing));
        Assert.Equal(KeepAliveAction.Ping, keepAlive.Tick(At(3.5), Interval, TimeoutAfterPing));
        keepAlive.Stop();
    }

    [Fact]
    public void An_infinite_timeout_pings_but_never_aborts()
    {
        KeepAlive keepAlive = Running();
        Assert.Equal(KeepAliveAction.Ping, keepAlive.Tick(At(1), Interval, Timeout.InfiniteTimeSpan));
        Assert.Equal(KeepAliveAction.None, keepAlive.Tick(At(1_000_000), Interval, Timeout.InfiniteTimeSpan));
        keepAlive.Stop();
    }

    [Fact]
    public void An_arrival_is_stamped_when_someone_looks_and_only_once()
    {
        var keepAlive = new KeepAlive(Stopwatch.GetTimestamp());
        long created = keepAlive.LastReceived;
        Assert.Equal(created, keepAlive.LastReceived);

        keepAlive.MarkReceived();
        long before = Stopwatch.GetTimestamp();
        long stamped = keepAlive.LastReceived;
        Assert.InRange(stamped, before, Stopwatch.GetTimestamp());
        Assert.Equal(stamped, keepAlive.LastReceived);
    }

    [Fact]
    public async Task The_timer_ticks_until_stopped()
    {
        var keepAlive = new KeepAlive(Stopwatch.GetTimestamp());
        var ticked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        keepAlive.Start(TimeSpan.FromMilliseconds(10), static state => ((TaskCompletionSource)state!).TrySetResult(), ticked);
        Assert.True(keepAlive.IsRunning);
        await ticked.Task.Within();

        keepAlive.Stop();
        keepAlive.Stop();
        Assert.False(keepAlive.IsRunning);
    }

    private static long At(double seconds) => Start + (long)(seconds * Stopwatch.Frequency);

    // Keep-alive on, with a timer that never fires during the test: the test drives the ticks on its own clock.
    private static KeepAlive Running()
    {
        var keepAlive = new KeepAlive(Start);
        keepAlive.Start(TimeSpan.FromHours(1), static _ => { }, new object());
        Assert.True(keepAlive.IsRunning);
        return keepAlive;
    }
}

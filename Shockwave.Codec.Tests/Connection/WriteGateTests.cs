using Xunit;

namespace Shockwave.Codec.Tests.Connection;

/// <summary>The write gate alone: one writer at a time, waiters in turn, and a cancelled waiter never losing or leaking a turn.</summary>
public class WriteGateTests
{
    [Fact]
    public void A_free_gate_is_taken_once_until_it_is_left()
    {
        var owner = new Owner();
        Assert.True(owner.Gate.TryEnter());
        Assert.False(owner.Gate.TryEnter());
        Assert.Equal(1, owner.Gate.Writers);
        owner.Gate.Exit();
        Assert.Equal(0, owner.Gate.Writers);
        Assert.True(owner.Gate.TryEnter());
    }

    [Fact]
    public async Task A_waiter_gets_the_turn_when_the_holder_leaves()
    {
        var owner = new Owner();
        Assert.True(owner.Gate.TryEnterOrQueue());
        Assert.False(owner.Gate.TryEnterOrQueue());
        Task waiting = WriteGate.WaitAsync(owner, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(2, owner.Gate.Writers);

        owner.Gate.Exit();
        await waiting.Within();
        Assert.Equal(1, owner.Gate.Writers);
        owner.Gate.Exit();
        Assert.Equal(0, owner.Gate.Writers);
        Assert.Equal(0, owner.Gate.Queue.CurrentCount);
    }

    [Fact]
    public async Task A_blocking_enter_waits_for_the_holder()
    {
        var owner = new Owner();
        owner.Gate.Enter();
        Task blocked = Task.Factory.StartNew(() => owner.Gate.Enter(), TaskCreationOptions.LongRunning);
        await TestTimeout.Until(() => owner.Gate.Writers == 2, "the second writer to queue");
        Assert.False(blocked.IsCompleted);
        owner.Gate.Exit();
        await blocked.Within();
        Assert.Equal(1, owner.Gate.Writers);
    }

    [Fact]
    public async Task A_waiter_cancelled_before_the_hand_off_just_leaves()
    {
        var owner = new Owner();
        Assert.True(owner.Gate.TryEnter());
        Assert.False(owner.Gate.TryEnterOrQueue());
        using var cancel = new CancellationTokenSource();
        Task waiting = WriteGate.WaitAsync(owner, cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Within());

        Assert.Equal(1, owner.Gate.Writers);
        owner.Gate.Exit();
        Assert.Equal(0, owner.Gate.Writers);
        Assert.Equal(0, owner.Gate.Queue.CurrentCount);
    }

    [Fact]
    public void A_lone_waiter_cancelled_after_the_hand_off_passes_the_turn_on_and_leaves_no_permit()
    {
        // The holder left and put a permit in the queue for the one waiter, whose cancellation then won the race.
        var owner = new Owner();
        Assert.True(owner.Gate.TryEnter());
        Assert.False(owner.Gate.TryEnterOrQueue());
        SemaphoreSlim queue = owner.Gate.Queue;
        owner.Gate.Exit();
        Assert.Equal(1, queue.CurrentCount);

        owner.Gate.LeaveQueue(queue);
        Assert.Equal(0, owner.Gate.Writers);
        Assert.Equal(0, queue.CurrentCount);
        Assert.True(owner.Gate.TryEnter());
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_a_handed_off_turn_to_the_next_waiter()
    {
        var owner = new Owner();
        Assert.True(owner.Gate.TryEnter());
        Assert.False(owner.Gate.TryEnterOrQueue());
        Assert.False(owner.Gate.TryEnterOrQueue());
        SemaphoreSlim queue = owner.Gate.Queue;
        owner.Gate.Exit();

        // The first waiter is cancelled with the permit out: it leaves, and the second takes the turn.
        owner.Gate.LeaveQueue(queue);
        Assert.Equal(1, owner.Gate.Writers);
        await WriteGate.WaitAsync(owner, CancellationToken.None).AsTask().Within();
        Assert.False(owner.Gate.TryEnter());
        owner.Gate.Exit();
        Assert.Equal(0, owner.Gate.Writers);
        Assert.Equal(0, queue.CurrentCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Many_writers_cancelled_at_random_are_never_inside_together(int seed)
    {
        var owner = new Owner();
        var random = new Random(seed);
        int inside = 0;
        int overlaps = 0;
        int done = 0;
        var writers = new List<Task>();
        var cancels = new List<CancellationTokenSource>();
        for (int i = 0; i < 200; i++)
        {
            var cancel = new CancellationTokenSource();
            cancels.Add(cancel);
            int delay = random.Next(3);
            writers.Add(Task.Run(async () =>
            {
                if (!owner.Gate.TryEnterOrQueue())
                {
                    try
                    {
                        await WriteGate.WaitAsync(owner, cancel.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                await Task.Delay(delay);
                Interlocked.Decrement(ref inside);
                Interlocked.Increment(ref done);
                owner.Gate.Exit();
            }));

            if (random.Next(3) == 0)
            {
                cancels[random.Next(cancels.Count)].Cancel();
            }
        }

        await Task.WhenAll(writers).Within();
        Assert.Equal(0, overlaps);
        Assert.True(done > 0);
        Assert.Equal(0, owner.Gate.Writers);
        Assert.True(owner.Gate.TryEnter());
        foreach (CancellationTokenSource cancel in cancels)
        {
            cancel.Dispose();
        }
    }

    private sealed class Owner : WriteGate.IOwner
    {
        // A mutable struct, don't make this readonly.
        public WriteGate Gate;

        public ref WriteGate WriteGate => ref Gate;
    }
}

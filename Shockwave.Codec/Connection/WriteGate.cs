namespace Shockwave.Codec;

/// <summary>
/// One writer at a time, as a counter and a queue made only when two writers first meet, rather than a
/// <see cref="SemaphoreSlim"/> per connection: an uncontended enter or exit is one interlocked operation and allocates
/// nothing, and an owner that never saw two writers at once carries 12 bytes instead of an 88-byte semaphore.
/// </summary>
/// <remarks>
/// <para>
/// A mutable struct, embedded in its owner: keep it in a field that is not <see langword="readonly"/> and call it
/// through that field, never through a copy. The counter holds the writer in its turn plus every waiter; whoever leaves
/// while others are counted hands the turn on with one permit in the queue.
/// </para>
/// <para>
/// An asynchronous method cannot take <c>ref this</c>, so the asynchronous wait is <see cref="WaitAsync{TOwner}"/>,
/// which reaches the gate through its owner (<see cref="IOwner"/>) each time it touches it.
/// </para>
/// <code>
/// if (!_gate.TryEnterOrQueue())
/// {
///     await WriteGate.WaitAsync(this, cancellationToken);
/// }
///
/// try { /* write */ } finally { _gate.Exit(); }
/// </code>
/// </remarks>
internal struct WriteGate
{
    private SemaphoreSlim? _queue;
    private int _writers;

    /// <summary>The holder of a gate, so that an asynchronous wait can reach the gate where it lives.</summary>
    internal interface IOwner
    {
        /// <summary>The owner's gate field.</summary>
        ref WriteGate WriteGate { get; }
    }

    /// <summary>The writer in its turn plus the waiters (tests).</summary>
    public int Writers => Volatile.Read(ref _writers);

    /// <summary>Takes the turn only if nobody holds or waits for it, with no side effect otherwise.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _writers, 1, 0) == 0;

    /// <summary>
    /// Counts the caller in: <see langword="true"/> when that gave it the turn; otherwise it is now a waiter and must
    /// wait for its permit (<see cref="Enter"/>, <see cref="WaitAsync{TOwner}"/>).
    /// </summary>
    public bool TryEnterOrQueue() => Interlocked.Increment(ref _writers) == 1;

    /// <summary>Takes the turn, blocking while another writer holds it.</summary>
    public void Enter()
    {
        if (!TryEnterOrQueue())
        {
            Queue.Wait();
        }
    }

    /// <summary>Gives the turn up, to the next waiter if any.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _writers) > 0)
        {
            Queue.Release();
        }
    }

    /// <summary>Takes the turn, waiting asynchronously while another writer holds it.</summary>
    /// <param name="owner">The gate's owner.</param>
    /// <param name="cancellationToken">Cancels the wait, as in <see cref="WaitAsync{TOwner}"/>.</param>
    /// <returns>A task that completes when the caller holds the turn.</returns>
    public static ValueTask EnterAsync<TOwner>(TOwner owner, CancellationToken cancellationToken)
        where TOwner : class, IOwner
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // As SemaphoreSlim.WaitAsync does: a token cancelled before the call cancels even a free gate, before
            // anything was written (a TaskCanceledException, as ManagedWebSocket reports).
            return new ValueTask(Task.FromCanceled(cancellationToken));
        }

        return owner.WriteGate.TryEnterOrQueue() ? default : WaitAsync(owner, cancellationToken);
    }

    /// <summary>Waits for the turn after <see cref="TryEnterOrQueue"/> returned <see langword="false"/>.</summary>
    /// <param name="owner">The gate's owner.</param>
    /// <param name="cancellationToken">Cancels the wait; a cancelled waiter leaves the queue and passes on any turn it was handed.</param>
    /// <returns>A task that completes when the caller holds the turn.</returns>
    public static async ValueTask WaitAsync<TOwner>(TOwner owner, CancellationToken cancellationToken)
        where TOwner : class, IOwner
    {
        SemaphoreSlim queue = owner.WriteGate.Queue;
        try
        {
            await queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            owner.WriteGate.LeaveQueue(queue);
            throw;
        }
    }

    /// <summary>Takes a waiter whose wait was cancelled out of the count, without losing a turn handed to it.</summary>
    internal void LeaveQueue(SemaphoreSlim queue)
    {
        while (true)
        {
            int count = Volatile.Read(ref _writers);
            if (count > 1)
            {
                // Someone else is counted (a holder, or a waiter who will take any turn already handed out): just leave.
                if (Interlocked.CompareExchange(ref _writers, count - 1, count) == count)
                {
                    return;
                }

                continue;
            }

            // Only this waiter is counted, so the last holder left and handed the turn to it (the permit is in the
            // queue or about to be). Take that turn and pass it on, or the stray permit would let a later waiter in
            // beside a holder.
            queue.Wait();
            Exit();
            return;
        }
    }

    internal SemaphoreSlim Queue
    {
        get
        {
            SemaphoreSlim? queue = Volatile.Read(ref _queue);
            if (queue is null)
            {
                var created = new SemaphoreSlim(0);
                queue = Interlocked.CompareExchange(ref _queue, created, null) ?? created;
                if (!ReferenceEquals(queue, created))
                {
                    created.Dispose();
                }
            }

            return queue;
        }
    }
}

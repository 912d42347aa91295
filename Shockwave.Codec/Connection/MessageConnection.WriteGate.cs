namespace Shockwave.Codec;

public sealed partial class MessageConnection
{
    // One writer at a time, as an int and a lazily created queue rather than a SemaphoreSlim per connection: an
    // uncontended enter or exit is one interlocked operation and allocates nothing, and an idle connection that never
    // saw two writers at once carries 12 bytes instead of an 88-byte semaphore. _writers counts the holder plus
    // every waiter; whoever leaves while others are counted hands the turn on with one permit in the queue.
    private int _writers;
    private SemaphoreSlim? _writeQueue;

    private ValueTask EnterWriteAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // As SemaphoreSlim.WaitAsync does: a token cancelled before the call cancels even a free gate, before
            // anything was written (a TaskCanceledException, as ManagedWebSocket reports).
            return new ValueTask(Task.FromCanceled(cancellationToken));
        }

        return Interlocked.Increment(ref _writers) == 1 ? default : WaitForTurnAsync(cancellationToken);
    }

    /// <summary>Takes the turn only if nobody holds or waits for it, with no side effect otherwise.</summary>
    private bool TryEnterWrite() => Interlocked.CompareExchange(ref _writers, 1, 0) == 0;

    private void EnterWrite()
    {
        if (Interlocked.Increment(ref _writers) != 1)
        {
            WriteQueue.Wait();
        }
    }

    private void ExitWrite()
    {
        if (Interlocked.Decrement(ref _writers) > 0)
        {
            WriteQueue.Release();
        }
    }

    private SemaphoreSlim WriteQueue
    {
        get
        {
            SemaphoreSlim? queue = Volatile.Read(ref _writeQueue);
            if (queue is null)
            {
                var created = new SemaphoreSlim(0);
                queue = Interlocked.CompareExchange(ref _writeQueue, created, null) ?? created;
                if (!ReferenceEquals(queue, created))
                {
                    created.Dispose();
                }
            }

            return queue;
        }
    }

    private async ValueTask WaitForTurnAsync(CancellationToken cancellationToken)
    {
        SemaphoreSlim queue = WriteQueue;
        try
        {
            await queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LeaveQueue(queue);
            throw;
        }
    }

    private void LeaveQueue(SemaphoreSlim queue)
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
            ExitWrite();
            return;
        }
    }
}

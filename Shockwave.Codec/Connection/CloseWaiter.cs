using System.Net.WebSockets;

namespace Shockwave.Codec;

/// <summary>
/// What a close waits on while a reader running elsewhere is the one that will see the peer's close frame: a task made
/// only when a close has to wait that way, completed when the connection shuts down. A mutable struct embedded in the
/// connection: never copy it, never make the field holding it readonly.
/// </summary>
internal struct CloseWaiter
{
    private TaskCompletionSource<bool>? _waiter;

    /// <summary>
    /// The task to wait on, made on first use. The state is read after the task is published: a shutdown that ran
    /// before it existed completes it here, one that runs after completes it in <see cref="Complete"/>.
    /// </summary>
    /// <param name="close">The connection's close record, read by reference.</param>
    /// <returns>The task, which completes on shutdown.</returns>
    public TaskCompletionSource<bool> Ensure(in CloseHandshake close)
    {
        var created = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource<bool> waiter = Interlocked.CompareExchange(ref _waiter, created, null) ?? created;
        if (close.State is WebSocketState.Closed or WebSocketState.Aborted)
        {
            waiter.TrySetResult(true);
        }

        return waiter;
    }

    /// <summary>Completes the task, if one was made; on shutdown.</summary>
    public void Complete() => Volatile.Read(ref _waiter)?.TrySetResult(true);

    /// <summary>Waits for <paramref name="waiter"/>; <paramref name="cancellationToken"/> (a close timeout) cancels it for every waiter.</summary>
    /// <param name="waiter">The task from <see cref="Ensure"/>.</param>
    /// <param name="cancellationToken">Ends the wait with an <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes on shutdown.</returns>
    public static async Task WaitAsync(TaskCompletionSource<bool> waiter, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetCanceled(), waiter))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }
}

using System.Net.WebSockets;
using Xunit;

namespace Shockwave.Codec.Tests.Protocol;

/// <summary>The close state machine alone (RFC 6455 §7): every transition, what each state allows, and races between threads.</summary>
public class CloseHandshakeTests
{
    // The struct is updated in place: tests keep it in a field of a class, as a connection does.
    private sealed class Holder
    {
        public CloseHandshake Close;
    }

    [Fact]
    public void A_new_handshake_is_open_and_allows_everything()
    {
        var h = new Holder();
        Assert.Equal(WebSocketState.Open, h.Close.State);
        Assert.Null(h.Close.CloseStatus);
        Assert.Null(h.Close.CloseStatusDescription);
        Assert.True(h.Close.CanSend);
        Assert.True(h.Close.CanSendClose);
        Assert.True(h.Close.CanReceive);
        Assert.False(h.Close.IsReplyOwed);
        Assert.False(h.Close.IsComplete);
        Assert.False(h.Close.IsCloseSent);
        Assert.False(h.Close.IsCloseReceived);
        Assert.False(h.Close.IsFailed);
        Assert.False(h.Close.IsAborted);
        Assert.False(h.Close.IsTransportClosed);
        Assert.Null(h.Close.SentStatus);
        Assert.Null(h.Close.ReceivedStatus);
    }

    [Fact]
    public void Our_close_first_gives_CloseSent_then_the_peers_completes()
    {
        var h = new Holder();
        Assert.True(h.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, "bye", out bool completed));
        Assert.False(completed);
        Assert.Equal(WebSocketState.CloseSent, h.Close.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, h.Close.CloseStatus);
        Assert.Equal("bye", h.Close.CloseStatusDescription);
        Assert.False(h.Close.CanSend); // RFC 6455 §5.5.1: nothing after our close
        Assert.False(h.Close.CanSendClose);
        Assert.True(h.Close.CanReceive);
        Assert.False(h.Close.IsReplyOwed);

        // A second close frame is refused and changes nothing.
        Assert.False(h.Close.TryRecordSent(WebSocketCloseStatus.ProtocolError, "again", out completed));
        Assert.False(completed);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, h.Close.SentStatus);

        Assert.True(h.Close.TryRecordReceived((WebSocketCloseStatus)4000, "ok", out completed));
        Assert.True(completed);
        Assert.Equal(WebSocketState.Closed, h.Close.State);
        Assert.True(h.Close.IsComplete);
        Assert.False(h.Close.CanReceive);

        // The peer's status describes the close once it arrived; ours stays readable on its own.
        Assert.Equal((WebSocketCloseStatus)4000, h.Close.CloseStatus);
        Assert.Equal("ok", h.Close.CloseStatusDescription);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, h.Close.SentStatus);
        Assert.Equal("bye", h.Close.SentStatusDescription);
        Assert.Equal((WebSocketCloseStatus)4000, h.Close.ReceivedStatus);
        Assert.Equal("ok", h.Close.ReceivedStatusDescription);
    }

    [Fact]
    public void The_peers_close_first_owes_a_reply_which_completes()
    {
        var h = new Holder();
        Assert.True(h.Close.TryRecordReceived(WebSocketCloseStatus.EndpointUnavailable, null, out bool completed));
        Assert.False(completed);
        Assert.Equal(WebSocketState.CloseReceived, h.Close.State);
        Assert.True(h.Close.IsReplyOwed);
        Assert.True(h.Close.CanSend); // data may still go out until our close (RFC 6455 §5.5.1 asks for it soon)
        Assert.False(h.Close.CanReceive);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, h.Close.CloseStatus);
        Assert.Equal(string.Empty, h.Close.CloseStatusDescription);

        Assert.False(h.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, "twice", out completed));
        Assert.False(completed);

        Assert.True(h.Close.TryRecordSent(null, null, out completed));
        Assert.True(completed);
        Assert.Equal(WebSocketState.Closed, h.Close.State);
        Assert.False(h.Close.IsReplyOwed);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, h.Close.CloseStatus);

        // A close frame without a status reads as Empty (1005, RFC 6455 §7.1.5).
        Assert.Equal(WebSocketCloseStatus.Empty, h.Close.SentStatus);
        Assert.Equal(string.Empty, h.Close.SentStatusDescription);
    }

    [Fact]
    public void A_failure_names_the_status_whatever_else_happened()
    {
        var h = new Holder();
        Assert.True(h.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, "peer", out _));
        h.Close.RecordFailure(WebSocketCloseStatus.ProtocolError, "Data after the close frame");
        Assert.True(h.Close.IsFailed);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, h.Close.CloseStatus);
        Assert.Equal("Data after the close frame", h.Close.CloseStatusDescription);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, h.Close.ReceivedStatus);

        // Recording a failure does not abort by itself: the failing side still sends its close first.
        Assert.Equal(WebSocketState.CloseReceived, h.Close.State);
        Assert.True(h.Close.TryAbort());
        Assert.Equal(WebSocketState.Aborted, h.Close.State);
        Assert.Equal(WebSocketCloseStatus.ProtocolError, h.Close.CloseStatus);
    }

    [Fact]
    public void Abort_refuses_every_later_close_and_happens_once()
    {
        var h = new Holder();
        Assert.True(h.Close.TryAbort());
        Assert.False(h.Close.TryAbort());
        Assert.Equal(WebSocketState.Aborted, h.Close.State);
        Assert.True(h.Close.IsAborted);
        Assert.False(h.Close.CanSend);
        Assert.False(h.Close.CanSendClose);
        Assert.False(h.Close.CanReceive);

        Assert.False(h.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, null, out bool completed));
        Assert.False(completed);
        Assert.False(h.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, null, out completed));
        Assert.False(completed);
        Assert.Equal(WebSocketState.Aborted, h.Close.State);
        Assert.Null(h.Close.CloseStatus);
    }

    [Fact]
    public void Abort_after_CloseSent_or_CloseReceived_aborts_and_owes_nothing()
    {
        var sent = new Holder();
        sent.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, null, out _);
        Assert.True(sent.Close.TryAbort());
        Assert.Equal(WebSocketState.Aborted, sent.Close.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, sent.Close.CloseStatus);

        var received = new Holder();
        received.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, null, out _);
        Assert.True(received.Close.TryAbort());
        Assert.Equal(WebSocketState.Aborted, received.Close.State);
        Assert.False(received.Close.IsReplyOwed);
        Assert.False(received.Close.CanSendClose);
    }

    [Fact]
    public void A_complete_handshake_stays_Closed_through_abort_and_transport_close()
    {
        var h = new Holder();
        h.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, null, out _);
        h.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, null, out _);
        Assert.False(h.Close.TryAbort());
        h.Close.RecordTransportClosed();
        Assert.True(h.Close.IsTransportClosed);
        Assert.False(h.Close.IsAborted);
        Assert.Equal(WebSocketState.Closed, h.Close.State);
    }

    [Fact]
    public void A_transport_closed_before_the_handshake_completes_reads_as_Aborted()
    {
        var h = new Holder();
        h.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, null, out _);
        h.Close.RecordTransportClosed();
        Assert.Equal(WebSocketState.Aborted, h.Close.State);
        Assert.False(h.Close.CanReceive);
        Assert.False(h.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, null, out _));
    }

    [Fact]
    public void Reset_forgets_everything()
    {
        var h = new Holder();
        h.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, "x", out _);
        h.Close.RecordFailure(WebSocketCloseStatus.ProtocolError, null);
        h.Close.TryAbort();
        h.Close.Reset();
        Assert.Equal(WebSocketState.Open, h.Close.State);
        Assert.Null(h.Close.CloseStatus);
        Assert.True(h.Close.CanSend);
    }

    [Fact]
    public void A_snapshot_is_a_copy_that_changes_nothing_of_the_original()
    {
        var h = new Holder();
        h.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, "peer", out _);
        CloseHandshake copy = h.Close.Snapshot();
        Assert.Equal(WebSocketState.CloseReceived, copy.State);
        Assert.Equal("peer", copy.ReceivedStatusDescription);

        Assert.True(copy.TryRecordSent(WebSocketCloseStatus.NormalClosure, "copy", out bool completed));
        Assert.True(completed);
        Assert.Equal(WebSocketState.Closed, copy.State);
        Assert.Equal(WebSocketState.CloseReceived, h.Close.State);
        Assert.Null(h.Close.SentStatus);
    }

    [Fact]
    public void Sending_and_receiving_the_close_on_two_threads_completes_exactly_once()
    {
        const int Rounds = 5_000;
        var holder = new Holder();
        var sentCompleted = new bool[Rounds];
        var receivedCompleted = new bool[Rounds];
        var recorded = new int[Rounds];
        var states = new WebSocketState[Rounds];
        var statuses = new WebSocketCloseStatus?[Rounds];
        RunRounds(Rounds, holder, states, statuses, [
            i =>
            {
                if (holder.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, "ours", out sentCompleted[i]))
                {
                    Interlocked.Increment(ref recorded[i]);
                }
            },
            i =>
            {
                if (holder.Close.TryRecordReceived(WebSocketCloseStatus.EndpointUnavailable, "theirs", out receivedCompleted[i]))
                {
                    Interlocked.Increment(ref recorded[i]);
                }
            },
        ]);

        for (int i = 0; i < Rounds; i++)
        {
            Assert.Equal(2, recorded[i]);
            Assert.True(sentCompleted[i] ^ receivedCompleted[i], $"round {i}: exactly one side completes the handshake");
            Assert.Equal(WebSocketState.Closed, states[i]);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, statuses[i]);
        }
    }

    [Fact]
    public void An_abort_racing_both_closes_either_wins_whole_or_finds_the_handshake_Closed()
    {
        const int Rounds = 5_000;
        var holder = new Holder();
        var completions = new int[Rounds];
        var aborted = new bool[Rounds];
        var states = new WebSocketState[Rounds];
        var statuses = new WebSocketCloseStatus?[Rounds];
        RunRounds(Rounds, holder, states, statuses, [
            i =>
            {
                if (holder.Close.TryRecordSent(WebSocketCloseStatus.NormalClosure, null, out bool completed) && completed)
                {
                    Interlocked.Increment(ref completions[i]);
                }
            },
            i =>
            {
                if (holder.Close.TryRecordReceived(WebSocketCloseStatus.NormalClosure, null, out bool completed) && completed)
                {
                    Interlocked.Increment(ref completions[i]);
                }
            },
            i => aborted[i] = holder.Close.TryAbort(),
        ]);

        int abortsWon = 0;
        for (int i = 0; i < Rounds; i++)
        {
            if (aborted[i])
            {
                abortsWon++;
                Assert.Equal(0, completions[i]);
                Assert.Equal(WebSocketState.Aborted, states[i]);
            }
            else
            {
                Assert.Equal(1, completions[i]);
                Assert.Equal(WebSocketState.Closed, states[i]);
            }
        }

        // Not a property of the machine, but of the test: both outcomes must have happened for it to mean anything.
        Assert.InRange(abortsWon, 1, Rounds - 1);
    }

    // Runs each action on its own thread, all released together, round after round; between rounds, with every
    // thread parked, the state and status are recorded and the handshake reset.
    private static void RunRounds(int rounds, Holder holder, WebSocketState[] states, WebSocketCloseStatus?[] statuses, Action<int>[] actions)
    {
        int round = 0;
        using var start = new Barrier(actions.Length);
        using var end = new Barrier(actions.Length, _ =>
        {
            states[round] = holder.Close.State;
            statuses[round] = holder.Close.CloseStatus;
            holder.Close.Reset();
            round++;
        });

        Task[] threads = actions.Select(action => Task.Factory.StartNew(
            () =>
            {
                for (int i = 0; i < rounds; i++)
                {
                    start.SignalAndWait();
                    action(i);
                    end.SignalAndWait();
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(Task.WaitAll(threads, TestTimeout.Limit));
    }
}

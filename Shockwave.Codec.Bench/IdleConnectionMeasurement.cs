using System.Globalization;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Shockwave.Codec.Bench.Infrastructure;

namespace Shockwave.Codec.Bench;

/// <summary>
/// The heap an idle open connection holds (docs/architecture.md, "Performance goals": at most 512 B, measured over 10,000 connections). Not a
/// BenchmarkDotNet class: it is a retained-size measurement, run as <c>dotnet run -c Release -- idle [count]</c>.
/// </summary>
/// <remarks>
/// <para>
/// For each scenario, in three steps with <see cref="GC.GetTotalMemory(bool)"/> (full, compacting) before and after
/// each: create the transports alone; open a server connection over each; start one read on each that cannot complete
/// (the transport has no data) and keep it pending. Every array that holds them is allocated before the first
/// snapshot, so each step's growth is exactly what it keeps alive. The connection's cost is the last two steps: the
/// connection object graph plus whatever its pending read pins (async state machines, a receive buffer).
/// </para>
/// <para>
/// The reads' destination is one shared 4 KiB array, the application's memory rather than the library's; no data
/// ever arrives, so sharing it is safe. A few connections of each scenario are made first, so one-time costs (JIT,
/// statics, thread-local pools) are not counted.
/// </para>
/// </remarks>
internal static class IdleConnectionMeasurement
{
    private const int DefaultCount = 10_000;
    private const int TargetBytes = 512;

    // An idle transport needs no room: a small ring keeps the transport baseline small and the measurement sharp.
    private const int RingCapacity = 16;

    private static readonly byte[] s_readBuffer = new byte[4096];
    private static readonly WebSocketCreationOptions s_managedOptions = new() { IsServer = true, KeepAliveInterval = TimeSpan.Zero };
    private static readonly MessageConnectionOptions s_zeroByteReadOptions = new() { Role = WebSocketRole.Server, UseZeroByteReads = true };
    private static readonly MessageConnectionOptions s_bufferedReadOptions = new() { Role = WebSocketRole.Server, UseZeroByteReads = false };
    private static readonly MessageConnectionOptions s_pipeOptions = new() { Role = WebSocketRole.Server };

    private interface IScenario
    {
        string Name { get; }

        void CreateTransport(int index);

        void Open(int index);

        void StartRead(int index);

        /// <summary>Whether the read started at <paramref name="index"/> is still pending, as it must be.</summary>
        bool IsPending(int index);
    }

    public static int Run(ReadOnlySpan<string> args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : DefaultCount;
        Console.WriteLine($"Heap held per idle server connection with a pending read, over {count:N0} connections (target: <= {TargetBytes} B for ours).");
        Console.WriteLine("'transport' is the in-memory transport alone (both ends); 'open' the connection; 'read' what its pending read adds.");
        Console.WriteLine();
        Console.WriteLine($"{"scenario",-62} {"transport",10} {"open",8} {"read",8} {"open+read",10}");

        bool allMet = true;
        allMet &= Report(count, static n => new ManagedStreamScenario(n), ours: false);
        allMet &= Report(count, static n => new StreamScenario(n, s_zeroByteReadOptions, "MessageConnection, stream, UseZeroByteReads = true"), ours: true);
        allMet &= Report(count, static n => new PipeScenario(n), ours: true);
        Report(count, static n => new StreamScenario(n, s_bufferedReadOptions, "MessageConnection, stream, UseZeroByteReads = false (info)"), ours: false);

        Console.WriteLine();
        Console.WriteLine(allMet ? "Target met." : "Target NOT met.");
        return 0;
    }

    private static bool Report(int count, Func<int, IScenario> create, bool ours)
    {
        // Warm-up: JIT, statics and thread-local caches, so they are not charged to the measured connections.
        Measure(create(16), 16);

        IScenario scenario = create(count);
        (long transport, long open, long read) = Measure(scenario, count);
        double perTransport = (double)transport / count;
        double perOpen = (double)open / count;
        double perRead = (double)read / count;
        double perConnection = perOpen + perRead;
        bool met = perConnection <= TargetBytes;
        string verdict = ours ? (met ? "  ok" : "  OVER TARGET") : string.Empty;
        Console.WriteLine($"{scenario.Name,-62} {perTransport,10:F0} {perOpen,8:F0} {perRead,8:F0} {perConnection,10:F0}{verdict}");
        GC.KeepAlive(scenario);
        return !ours || met;
    }

    private static (long Transport, long Open, long Read) Measure(IScenario scenario, int count)
    {
        long start = Heap();
        for (int i = 0; i < count; i++)
        {
            scenario.CreateTransport(i);
        }

        long transports = Heap();
        for (int i = 0; i < count; i++)
        {
            scenario.Open(i);
        }

        long opened = Heap();
        for (int i = 0; i < count; i++)
        {
            scenario.StartRead(i);
        }

        long reading = Heap();
        for (int i = 0; i < count; i++)
        {
            if (!scenario.IsPending(i))
            {
                throw new InvalidOperationException($"{scenario.Name}: read {i} completed on a transport with no data.");
            }
        }

        GC.KeepAlive(scenario);
        return (transports - start, opened - transports, reading - opened);
    }

    private static long Heap() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>ManagedWebSocket over the in-memory stream, with a pending <c>ReceiveAsync(Memory)</c>.</summary>
    private sealed class ManagedStreamScenario(int count) : IScenario
    {
        private readonly LockFreeDuplexStream[] _servers = new LockFreeDuplexStream[count];
        private readonly LockFreeDuplexStream[] _clients = new LockFreeDuplexStream[count];
        private readonly WebSocket[] _sockets = new WebSocket[count];
        private readonly ValueTask<ValueWebSocketReceiveResult>[] _reads = new ValueTask<ValueWebSocketReceiveResult>[count];

        public string Name => "ManagedWebSocket, stream (baseline)";

        public void CreateTransport(int index) => (_servers[index], _clients[index]) = LockFreeDuplexStream.CreatePair(RingCapacity);

        public void Open(int index) => _sockets[index] = WebSocket.CreateFromStream(_servers[index], s_managedOptions);

        public void StartRead(int index) => _reads[index] = _sockets[index].ReceiveAsync(s_readBuffer.AsMemory(), CancellationToken.None);

        public bool IsPending(int index) => !_reads[index].IsCompleted;
    }

    /// <summary>MessageConnection over the in-memory stream, with a pending <c>ReadMessageIntoAsync</c>.</summary>
    private sealed class StreamScenario(int count, MessageConnectionOptions options, string name) : IScenario
    {
        private readonly LockFreeDuplexStream[] _servers = new LockFreeDuplexStream[count];
        private readonly LockFreeDuplexStream[] _clients = new LockFreeDuplexStream[count];
        private readonly MessageConnection[] _connections = new MessageConnection[count];
        private readonly ValueTask<MessageReadResult>[] _reads = new ValueTask<MessageReadResult>[count];

        public string Name => name;

        public void CreateTransport(int index) => (_servers[index], _clients[index]) = LockFreeDuplexStream.CreatePair(RingCapacity);

        public void Open(int index) => _connections[index] = new MessageConnection(_servers[index], options);

        public void StartRead(int index) => _reads[index] = _connections[index].ReadMessageIntoAsync(s_readBuffer.AsMemory());

        public bool IsPending(int index) => !_reads[index].IsCompleted;
    }

    /// <summary>MessageConnection over an <see cref="IDuplexPipe"/> (two <see cref="Pipe"/>s), with a pending <c>ReadMessageIntoAsync</c>.</summary>
    private sealed class PipeScenario(int count) : IScenario
    {
        private readonly DuplexPipe[] _servers = new DuplexPipe[count];
        private readonly DuplexPipe[] _clients = new DuplexPipe[count];
        private readonly MessageConnection[] _connections = new MessageConnection[count];
        private readonly ValueTask<MessageReadResult>[] _reads = new ValueTask<MessageReadResult>[count];

        public string Name => "MessageConnection, IDuplexPipe";

        public void CreateTransport(int index) => (_servers[index], _clients[index]) = DuplexPipe.CreateInline();

        public void Open(int index) => _connections[index] = new MessageConnection(_servers[index], s_pipeOptions);

        public void StartRead(int index) => _reads[index] = _connections[index].ReadMessageIntoAsync(s_readBuffer.AsMemory());

        public bool IsPending(int index) => !_reads[index].IsCompleted;
    }
}

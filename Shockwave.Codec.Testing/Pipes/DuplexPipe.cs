using System.Buffers;
using System.IO.Pipelines;

namespace Shockwave.Codec.Testing;

/// <summary>
/// One end of an in-memory <see cref="IDuplexPipe"/> pair joined by two <see cref="Pipe"/>s: what one end writes, the
/// other reads.
/// </summary>
internal sealed class DuplexPipe : IDuplexPipe
{
    private DuplexPipe(PipeReader input, PipeWriter output)
    {
        Input = input;
        Output = output;
    }

    /// <inheritdoc/>
    public PipeReader Input { get; }

    /// <inheritdoc/>
    public PipeWriter Output { get; }

    /// <summary>
    /// Creates the two ends for tests. The default thresholds pause a writer at 1 MiB unread, so big messages need a
    /// concurrent reader. The pipes take their memory from <paramref name="pool"/>, by default the shared pool, and
    /// resume continuations on the thread pool, as a socket transport does.
    /// </summary>
    public static (DuplexPipe A, DuplexPipe B) Create(long pauseWriterThreshold = 1024 * 1024, MemoryPool<byte>? pool = null) =>
        Create(new PipeOptions(pool, pauseWriterThreshold: pauseWriterThreshold, resumeWriterThreshold: pauseWriterThreshold / 2, useSynchronizationContext: false));

    /// <summary>
    /// Creates the two ends for benchmarks: continuations run inline, like a transport that completes synchronously,
    /// and the thresholds are the pipe defaults.
    /// </summary>
    public static (DuplexPipe A, DuplexPipe B) CreateInline() =>
        Create(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));

    /// <summary>Creates the two ends; both directions use <paramref name="options"/>.</summary>
    public static (DuplexPipe A, DuplexPipe B) Create(PipeOptions options)
    {
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        return (new DuplexPipe(bToA.Reader, aToB.Writer), new DuplexPipe(aToB.Reader, bToA.Writer));
    }
}

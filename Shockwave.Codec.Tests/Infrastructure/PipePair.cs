using System.Buffers;
using System.IO.Pipelines;

namespace Shockwave.Codec.Tests;

/// <summary>Two <see cref="IDuplexPipe"/> ends joined by two <see cref="Pipe"/>s: what one end writes, the other reads.</summary>
internal static class PipePair
{
    /// <summary>
    /// Creates the two ends. The default thresholds pause a writer at 1 MiB unread, so big messages need a concurrent
    /// reader. The pipes take their memory from <paramref name="pool"/>, by default the shared pool.
    /// </summary>
    public static (IDuplexPipe A, IDuplexPipe B) Create(long pauseWriterThreshold = 1024 * 1024, MemoryPool<byte>? pool = null)
    {
        var options = new PipeOptions(pool, pauseWriterThreshold: pauseWriterThreshold, resumeWriterThreshold: pauseWriterThreshold / 2, useSynchronizationContext: false);
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        return (new DuplexPipe(bToA.Reader, aToB.Writer), new DuplexPipe(aToB.Reader, bToA.Writer));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

using System.IO.Pipelines;

namespace Shockwave.Codec.Bench.Infrastructure;

/// <summary>One end of an in-memory <see cref="IDuplexPipe"/> pair built from two <see cref="Pipe"/>s.</summary>
internal sealed class DuplexPipe : IDuplexPipe
{
    private DuplexPipe(PipeReader input, PipeWriter output)
    {
        Input = input;
        Output = output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Creates two connected ends. Continuations run inline, like a transport that completes synchronously.</summary>
    public static (DuplexPipe First, DuplexPipe Second) CreatePair()
    {
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var forward = new Pipe(options);
        var backward = new Pipe(options);
        return (new DuplexPipe(backward.Reader, forward.Writer), new DuplexPipe(forward.Reader, backward.Writer));
    }
}

using BenchmarkDotNet.Running;

namespace Shockwave.Codec.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        // `idle [count]` is a retained-heap measurement, not a timing: see IdleConnectionMeasurement.
        if (args.Length > 0 && string.Equals(args[0], "idle", StringComparison.OrdinalIgnoreCase))
        {
            return IdleConnectionMeasurement.Run(args.AsSpan(1));
        }

        // `deflate-memory [count]` measures memory per permessage-deflate compressor and decompressor.
        if (args.Length > 0 && string.Equals(args[0], "deflate-memory", StringComparison.OrdinalIgnoreCase))
        {
            return DeflateMemoryMeasurement.Run(args.AsSpan(1));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

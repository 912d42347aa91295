using BenchmarkDotNet.Running;

namespace Shockwave.Codec.Bench;

internal static class Program
{
    private static int Main(string[] args)
    {
        // A few console modes that are measurements or servers rather than BenchmarkDotNet timings.
        switch (args.Length > 0 ? args[0].ToLowerInvariant() : string.Empty)
        {
            case "idle":
                // `idle [count]`: retained heap per idle connection, see IdleConnectionMeasurement.
                return IdleConnectionMeasurement.Run(args.AsSpan(1));
            case "aspnet-echo":
                // `aspnet-echo [--port P]`: the ASP.NET Core echo server the sample's load generator is compared against.
                return AspNetEchoServer.Run(args.AsSpan(1));
            case "deflate-memory":
                // `deflate-memory [count]`: memory per permessage-deflate compressor and decompressor.
                return DeflateMemoryMeasurement.Run(args.AsSpan(1));
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}

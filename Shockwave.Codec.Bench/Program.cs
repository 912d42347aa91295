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

        // `aspnet-echo [--port P]` is the ASP.NET Core echo server the sample's load generator is compared against.
        if (args.Length > 0 && string.Equals(args[0], "aspnet-echo", StringComparison.OrdinalIgnoreCase))
        {
            return AspNetEchoServer.Run(args.AsSpan(1));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

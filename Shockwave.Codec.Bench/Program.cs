using BenchmarkDotNet.Running;

namespace Shockwave.Codec.Bench;

internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

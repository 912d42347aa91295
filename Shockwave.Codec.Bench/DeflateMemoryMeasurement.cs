using System.Globalization;
using System.Runtime.InteropServices;

namespace Shockwave.Codec.Bench;

/// <summary>
/// Memory per permessage-deflate compressor and decompressor, managed and native. Not a BenchmarkDotNet class: run as
/// <c>dotnet run -c Release -- deflate-memory [count]</c>.
/// </summary>
/// <remarks>
/// For each scenario: make <c>count</c> instances and push one 4 KiB JSON message through each (zlib allocates
/// part of its state lazily), keeping them all alive. Managed bytes are
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> over that loop; native bytes are glibc's bytes in use
/// (<c>mallinfo2</c>: <c>uordblks + hblkhd</c>, over all arenas), and the resident set's growth
/// (<c>/proc/self/statm</c>) shows how much of that zlib touched. Then the instances are disposed (or, in the last
/// scenario, dropped for the finalizers) and malloc's bytes in use are read again: what is left is a leak. The
/// resident set is not read then, because glibc keeps freed memory for reuse. The pool is emptied between scenarios.
/// </remarks>
internal static class DeflateMemoryMeasurement
{
    public static int Run(ReadOnlySpan<string> args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        byte[] message = DeflateJson.Create(4096);
        byte[] wire = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(message.Length)];
        byte[] output = new byte[8192];
        using (var warm = new PerMessageDeflateCompressor(new(), WebSocketRole.Server))
        {
            warm.Compress(message, wire, true, out _, out int written);
            using var warmDecompressor = new PerMessageDeflateDecompressor(new(), WebSocketRole.Client);
            warmDecompressor.Decompress(wire.AsSpan(0, written), output, true, out _, out _);
        }

        ZlibStatePool.Clear();
        byte[] compressed = wire[..Compress(new PerMessageDeflateCompressor(new(), WebSocketRole.Server))];

        int Compress(PerMessageDeflateCompressor compressor)
        {
            compressor.Compress(message, wire, true, out _, out int written);
            return written;
        }

        int Decompress(PerMessageDeflateDecompressor decompressor)
        {
            decompressor.Decompress(compressed, output, true, out _, out int written);
            return written;
        }

        Console.WriteLine($"Memory per instance over {count:N0} instances, each after one 4 KiB JSON message (native engine unless noted).");
        Console.WriteLine($"{"scenario",-58} {"managed B",10} {"malloc KiB",11} {"RSS KiB",8} {"malloc left after free, B",26}");
        foreach (int bits in new[] { 15, 9 })
        {
            foreach (bool takeover in new[] { true, false })
            {
                var options = new PerMessageDeflateOptions
                {
                    ClientContextTakeover = takeover,
                    ServerContextTakeover = takeover,
                    ClientMaxWindowBits = bits,
                    ServerMaxWindowBits = bits,
                };
                Measure($"compressor   level 6, window {bits}, takeover={takeover}", count, dispose: true,
                    () => new PerMessageDeflateCompressor(options, WebSocketRole.Server), c => Compress(c));
                Measure($"decompressor window {bits}, takeover={takeover}", count, dispose: true,
                    () => new PerMessageDeflateDecompressor(options, WebSocketRole.Client), d => Decompress(d));
            }
        }

        var defaults = new PerMessageDeflateOptions();
        Measure("compressor   DeflateStream engine, takeover", count, dispose: true,
            () => new PerMessageDeflateCompressor(defaults, WebSocketRole.Server, DeflateEngineKind.Managed), c => Compress(c));
        Measure("decompressor DeflateStream engine, takeover", count, dispose: true,
            () => new PerMessageDeflateDecompressor(defaults, WebSocketRole.Client, DeflateEngineKind.Managed), d => Decompress(d));
        Measure("compressor   takeover, never disposed (finalizers free it)", count, dispose: false,
            () => new PerMessageDeflateCompressor(defaults, WebSocketRole.Server), c => Compress(c));
        return 0;
    }

    private static void Measure<T>(string name, int count, bool dispose, Func<T> create, Func<T, int> use)
        where T : class, IDisposable
    {
        var instances = new T?[count];
        Settle();
        long rssBefore = ResidentBytes();
        long mallocBefore = MallocInUse();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            T instance = create();
            use(instance);
            instances[i] = instance;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long mallocGrowth = MallocInUse() - mallocBefore;
        long rssGrowth = ResidentBytes() - rssBefore;
        for (int i = 0; i < count; i++)
        {
            if (dispose)
            {
                instances[i]!.Dispose();
            }

            instances[i] = null;
        }

        ZlibStatePool.Clear();
        Settle();
        long mallocLeft = MallocInUse() - mallocBefore;
        Console.WriteLine(
            $"{name,-58} {allocated / count,10:N0} {mallocGrowth / 1024.0 / count,11:N1} {rssGrowth / 1024.0 / count,8:N1} {mallocLeft / (double)count,26:N1}");
    }

    private static void Settle()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        GC.Collect();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 GetMallInfo2();

    /// <summary>Bytes malloc has handed out and not had back: small chunks plus mmapped blocks.</summary>
    private static long MallocInUse()
    {
        MallInfo2 info = GetMallInfo2();
        return (long)info.UordBlks + (long)info.HBlkHd;
    }

    private static long ResidentBytes()
    {
        // statm: size resident shared text lib data dt, in pages.
        string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }
}

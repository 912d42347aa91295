using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Shockwave.Codec.Bench;

/// <summary>
/// permessage-deflate on the runtime's native zlib (P/Invoke) against the <c>DeflateStream</c> engine (baseline), one
/// whole message per operation at level 6, window 15: compress, and decompress through a 16 KiB buffer. With context
/// takeover a repeated message compresses against its previous copy on both engines alike; without it every message
/// starts from nothing, which the DeflateStream engine pays for with a new stream per message.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DeflateEngineBenchmarks
{
    private byte[] _message = [];
    private byte[] _compressed = [];
    private byte[] _wire = [];
    private readonly byte[] _output = new byte[16 * 1024];
    private PerMessageDeflateCompressor _nativeCompressor = null!;
    private PerMessageDeflateCompressor _managedCompressor = null!;
    private PerMessageDeflateDecompressor _nativeDecompressor = null!;
    private PerMessageDeflateDecompressor _managedDecompressor = null!;

    [Params(4096, 65_536)]
    public int Size { get; set; }

    [Params(true, false)]
    public bool ContextTakeover { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var agreed = new PerMessageDeflateOptions { ClientContextTakeover = ContextTakeover, ServerContextTakeover = ContextTakeover };
        _message = DeflateJson.Create(Size);
        _wire = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(Size)];
        _nativeCompressor = new PerMessageDeflateCompressor(agreed, WebSocketRole.Server, DeflateEngineKind.Native);
        _managedCompressor = new PerMessageDeflateCompressor(agreed, WebSocketRole.Server, DeflateEngineKind.Managed);
        _nativeDecompressor = new PerMessageDeflateDecompressor(agreed, WebSocketRole.Client, DeflateEngineKind.Native);
        _managedDecompressor = new PerMessageDeflateDecompressor(agreed, WebSocketRole.Client, DeflateEngineKind.Managed);

        // The first message of a fresh compressor refers to nothing before it, so it decompresses in any context.
        using var first = new PerMessageDeflateCompressor(agreed, WebSocketRole.Server, DeflateEngineKind.Native);
        first.Compress(_message, _wire, true, out _, out int written);
        _compressed = _wire[..written];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _nativeCompressor.Dispose();
        _managedCompressor.Dispose();
        _nativeDecompressor.Dispose();
        _managedDecompressor.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Compress")]
    public int CompressDeflateStream() => Compress(_managedCompressor);

    [Benchmark, BenchmarkCategory("Compress")]
    public int CompressNative() => Compress(_nativeCompressor);

    [Benchmark(Baseline = true), BenchmarkCategory("Decompress")]
    public int DecompressDeflateStream() => Decompress(_managedDecompressor);

    [Benchmark, BenchmarkCategory("Decompress")]
    public int DecompressNative() => Decompress(_nativeDecompressor);

    private int Compress(PerMessageDeflateCompressor compressor)
    {
        compressor.Compress(_message, _wire, endOfMessage: true, out _, out int written);
        return written;
    }

    private int Decompress(PerMessageDeflateDecompressor decompressor)
    {
        ReadOnlySpan<byte> input = _compressed;
        int total = 0;
        OperationStatus status;
        do
        {
            status = decompressor.Decompress(input, _output, endOfMessage: true, out int consumed, out int written);
            input = input[consumed..];
            total += written;
        }
        while (status == OperationStatus.DestinationTooSmall);
        return total;
    }
}

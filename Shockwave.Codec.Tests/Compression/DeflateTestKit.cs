using System.Buffers;
using Xunit;

namespace Shockwave.Codec.Tests.Compression;

/// <summary>The two deflate engines, as test data (the library's enum is internal).</summary>
public enum Engine
{
    Native = DeflateEngineKind.Native,
    Managed = DeflateEngineKind.Managed,
}

/// <summary>Helpers shared by the permessage-deflate tests: both engines, whole-message helpers.</summary>
internal static class DeflateTestKit
{
    public static TheoryData<Engine> Engines => new() { Engine.Native, Engine.Managed };

    public static DeflateEngineKind Kind(this Engine engine) => (DeflateEngineKind)engine;

    public static PerMessageDeflateOptions Options(bool takeover = true, int windowBits = 15, int level = 6) => new()
    {
        ClientContextTakeover = takeover,
        ServerContextTakeover = takeover,
        ClientMaxWindowBits = windowBits,
        ServerMaxWindowBits = windowBits,
        CompressionLevel = level,
    };

    /// <summary>Compresses a message cut into fragments at <paramref name="cuts"/>; one payload per fragment.</summary>
    public static List<byte[]> Compress(PerMessageDeflateCompressor compressor, ReadOnlySpan<byte> message, params int[] cuts)
    {
        var fragments = new List<byte[]>();
        int start = 0;
        int[] ends = [.. cuts, message.Length];
        for (int i = 0; i < ends.Length; i++)
        {
            int end = ends[i];
            ReadOnlySpan<byte> part = message[start..end];
            byte[] output = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(part.Length)];
            OperationStatus status = compressor.Compress(part, output, i == ends.Length - 1, out int consumed, out int written);
            Assert.Equal(OperationStatus.Done, status);
            Assert.Equal(part.Length, consumed);
            fragments.Add(output[..written]);
            start = end;
        }

        return fragments;
    }

    public static byte[] CompressWhole(PerMessageDeflateCompressor compressor, ReadOnlySpan<byte> message) =>
        Compress(compressor, message)[0];

    /// <summary>Decompresses one message given as fragments, through a destination of <paramref name="chunk"/> bytes.</summary>
    public static byte[] Decompress(PerMessageDeflateDecompressor decompressor, IReadOnlyList<byte[]> fragments, int chunk = 4096)
    {
        Assert.Equal(OperationStatus.Done, TryDecompress(decompressor, fragments, chunk, out byte[] message));
        return message;
    }

    public static OperationStatus TryDecompress(PerMessageDeflateDecompressor decompressor, IReadOnlyList<byte[]> fragments, int chunk, out byte[] message)
    {
        var output = new List<byte>();
        byte[] buffer = new byte[chunk];
        for (int i = 0; i < fragments.Count; i++)
        {
            ReadOnlySpan<byte> input = fragments[i];
            bool last = i == fragments.Count - 1;
            while (true)
            {
                OperationStatus status = decompressor.Decompress(input, buffer, last, out int consumed, out int written);
                output.AddRange(buffer.AsSpan(0, written).ToArray());
                input = input[consumed..];
                if (status == OperationStatus.Done)
                {
                    Assert.True(input.IsEmpty);
                    break;
                }

                if (status != OperationStatus.DestinationTooSmall)
                {
                    message = [.. output];
                    return status;
                }

                // DestinationTooSmall promises a full destination.
                Assert.Equal(buffer.Length, written);
            }
        }

        message = [.. output];
        return OperationStatus.Done;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}

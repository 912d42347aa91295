using System.Runtime.InteropServices;
#if !CODEC_NETSTANDARD
using System.Runtime.Intrinsics;
#endif

namespace Shockwave.Codec.Tests.Masking;

/// <summary>A kernel of <see cref="MaskKernels"/> in its span form.</summary>
internal delegate void MaskKernel(ReadOnlySpan<byte> source, Span<byte> destination, uint nativeKey);

/// <summary>The obviously correct reference every masking path is checked against, and helpers around it.</summary>
internal static class MaskTestKit
{
    /// <summary>RFC 6455 §5.3 read literally: octet i of the data is XORed with key octet (offset + i) mod 4.</summary>
    public static byte[] Reference(ReadOnlySpan<byte> source, uint maskKey, int offset)
    {
        byte[] wireKey = WireKey(maskKey);
        var result = new byte[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            result[i] = (byte)(source[i] ^ wireKey[(offset + i) % 4]);
        }

        return result;
    }

    /// <summary>The four key octets in wire order: by the project's convention the least significant byte comes first.</summary>
    public static byte[] WireKey(uint maskKey) =>
        [(byte)maskKey, (byte)(maskKey >> 8), (byte)(maskKey >> 16), (byte)(maskKey >> 24)];

    /// <summary>
    /// The key a kernel takes: the word that four payload bytes starting at <paramref name="offset"/> are XORed with,
    /// built from its definition (the key octets laid out in memory, read as a native word) rather than by rotating bits.
    /// </summary>
    public static uint NativeKey(uint maskKey, int offset)
    {
        byte[] wireKey = WireKey(maskKey);
        byte[] rotated = [wireKey[offset % 4], wireKey[(offset + 1) % 4], wireKey[(offset + 2) % 4], wireKey[(offset + 3) % 4]];
        return MemoryMarshal.Read<uint>(rotated);
    }

    /// <summary>The kernels this build has and this machine accelerates (a kernel for an unaccelerated width is left out).</summary>
    public static IReadOnlyList<(string Name, MaskKernel Kernel)> Kernels { get; } = CreateKernels();

    private static List<(string Name, MaskKernel Kernel)> CreateKernels()
    {
        var kernels = new List<(string Name, MaskKernel Kernel)> { ("Scalar", MaskKernels.ApplyScalar) };
#if !CODEC_NETSTANDARD
        if (Vector128.IsHardwareAccelerated)
        {
            kernels.Add(("Vector128", MaskKernels.ApplyVector128));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            kernels.Add(("Vector256", MaskKernels.ApplyVector256));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            kernels.Add(("Vector512", MaskKernels.ApplyVector512));
        }
#endif
        return kernels;
    }
}

#if !CODEC_NETSTANDARD
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Shockwave.Codec.Tests.Text;

/// <summary>A whole-buffer validation kernel under test.</summary>
internal delegate bool Utf8Kernel(ReadOnlySpan<byte> data);

/// <summary>
/// Every kernel this process can run: the scalar reference always (so a test over the catalog checks something even
/// with <c>DOTNET_EnableHWIntrinsic=0</c>), and each vector kernel only where its instructions are supported.
/// </summary>
internal static class Utf8KernelCatalog
{
    public static IReadOnlyList<(string Name, Utf8Kernel Validate)> All { get; } = Build();

    private static List<(string, Utf8Kernel)> Build()
    {
        var kernels = new List<(string, Utf8Kernel)>
        {
            ("Scalar", Utf8Kernels.ValidateScalar),
            ("Dispatch", Utf8Kernels.Validate),
        };
#if !CODEC_NETSTANDARD
        if (Vector128.IsHardwareAccelerated)
        {
            kernels.Add(("Vector128", Utf8Kernels.ValidateVector128));
        }

        if (Avx2.IsSupported)
        {
            kernels.Add(("Vector256", Utf8Kernels.ValidateVector256));
        }

        if (Avx512BW.IsSupported)
        {
            kernels.Add(("Vector512", Utf8Kernels.ValidateVector512));
        }
#endif
        return kernels;
    }
}

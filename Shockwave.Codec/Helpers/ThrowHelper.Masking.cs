using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

// Masking's share of the throw helpers: throwing in a separate, non-inlined method keeps the callers small enough to inline.
internal static partial class ThrowHelper
{
    [DoesNotReturn]
    internal static void ThrowArgumentOutOfRangeException_MaskOffset(int offset) => throw CreateArgumentOutOfRangeException_MaskOffset(offset);

    [DoesNotReturn]
    internal static void ThrowArgumentException_MaskDestinationTooShort() => throw CreateArgumentException_MaskDestinationTooShort();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception CreateArgumentOutOfRangeException_MaskOffset(int offset) =>
        new ArgumentOutOfRangeException(nameof(offset), offset, "The mask offset must be 0, 1, 2 or 3.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception CreateArgumentException_MaskDestinationTooShort() =>
        new ArgumentException("The destination is shorter than the source.", "destination");
}

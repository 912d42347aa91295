using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec;

internal static partial class ThrowHelper
{
    // Compression keeps its own overloads taking the parameter name, so that it adds no members to the shared
    // ExceptionArgument enum (other branches edit it at the same time).
    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, string message) =>
        throw CreateArgumentOutOfRange(paramName, message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentOutOfRangeException CreateArgumentOutOfRange(string paramName, string message) =>
        new(paramName, message);

    [DoesNotReturn]
    public static void ThrowArgumentNull(string paramName) => throw CreateArgumentNull(paramName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentNullException CreateArgumentNull(string paramName) => new(paramName);

    [DoesNotReturn]
    public static void ThrowObjectDisposed(string objectName) => throw CreateObjectDisposed(objectName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ObjectDisposedException CreateObjectDisposed(string objectName) => new(objectName);
}

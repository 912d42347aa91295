using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Shockwave.Codec.Fuzz;

/// <summary>Assertions for harnesses: each throws <see cref="FuzzCheckException"/> so AFL records a crash.</summary>
internal static class Check
{
    public static void True([DoesNotReturnIf(false)] bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzCheckException(message);
        }
    }

    public static void Equal<T>(T expected, T actual, string what, [CallerArgumentExpression(nameof(actual))] string? expression = null)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new FuzzCheckException($"{what}: expected {expected}, got {actual} ({expression})");
        }
    }

    public static void SequenceEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (!expected.SequenceEqual(actual))
        {
            int at = 0;
            while (at < expected.Length && at < actual.Length && expected[at] == actual[at])
            {
                at++;
            }

            throw new FuzzCheckException($"{what}: bytes differ at index {at} (expected length {expected.Length}, actual {actual.Length})");
        }
    }
}

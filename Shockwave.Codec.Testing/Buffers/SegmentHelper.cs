using System.Buffers;

namespace Shockwave.Codec.Testing;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, empty segments included, as a pipe may hand them out.</summary>
internal static class SegmentHelper
{
    /// <summary>A sequence of <paramref name="parts"/>, one segment each.</summary>
    public static ReadOnlySequence<byte> Create(params ReadOnlyMemory<byte>[] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        Segment last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>
    /// <paramref name="data"/> cut at <paramref name="cuts"/> (ascending offsets, repeats and 0 allowed: they make empty
    /// segments), one segment before the first cut and one after each.
    /// </summary>
    public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> data, IReadOnlyList<int> cuts)
    {
        var parts = new ReadOnlyMemory<byte>[cuts.Count + 1];
        int start = 0;
        for (int i = 0; i < cuts.Count; i++)
        {
            parts[i] = data.Slice(start, cuts[i] - start);
            start = cuts[i];
        }

        parts[cuts.Count] = data.Slice(start);
        return Create(parts);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

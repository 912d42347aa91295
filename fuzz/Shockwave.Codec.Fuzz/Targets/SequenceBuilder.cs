using System.Buffers;

namespace Shockwave.Codec.Fuzz;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/> from cut points, empty segments included.</summary>
internal static class SequenceBuilder
{
    public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> data, IReadOnlyList<int> cuts)
    {
        var first = new Segment(data.Slice(0, cuts.Count > 0 ? cuts[0] : data.Length), 0);
        Segment last = first;
        for (int i = 0; i < cuts.Count; i++)
        {
            int end = i + 1 < cuts.Count ? cuts[i + 1] : data.Length;
            last = last.Append(data.Slice(cuts[i], end - cuts[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
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

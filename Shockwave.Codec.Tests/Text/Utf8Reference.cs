using System.Buffers;
using System.Text;

namespace Shockwave.Codec.Tests.Text;

/// <summary>
/// Oracles independent of the code under test: the runtime's strict UTF-8 decoder, and a brute-force
/// "can this prefix still become valid?" built on it.
/// </summary>
internal static class Utf8Reference
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The same decoder with a fallback that counts invalid subsequences instead of throwing: a throw costs ~10 µs,
    // and the brute force below decodes hundreds of candidates per prefix.
    private static readonly Encoding s_counting = Encoding.GetEncoding(
        "utf-8", EncoderFallback.ExceptionFallback, new CountingDecoderFallback());

    [ThreadStatic]
    private static int t_invalidCount;

    // Every range Table 3-7 allows for a continuation byte ([80,BF], [A0,BF], [80,9F], [90,BF], [80,8F]) contains at
    // least one of these (its own end points), so trying them covers every way to finish a sequence.
    private static readonly byte[] s_continuationCandidates = [0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF];

    /// <summary>Whether the strict decoder accepts <paramref name="bytes"/> as complete UTF-8.</summary>
    public static bool IsValid(ReadOnlySpan<byte> bytes)
    {
        try
        {
            s_strict.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Like <see cref="IsValid"/>, through the same decoder, without an exception on invalid input.</summary>
    public static bool IsValidNoThrow(ReadOnlySpan<byte> bytes)
    {
        int before = t_invalidCount;
        s_counting.GetCharCount(bytes);
        return t_invalidCount == before;
    }

    /// <summary>
    /// Whether some continuation makes <paramref name="prefix"/> valid. A valid prefix needs at most three more bytes,
    /// all continuation bytes, so trying every suffix of up to three candidates decides it.
    /// </summary>
    public static bool CanBecomeValid(ReadOnlySpan<byte> prefix)
    {
        if (IsValidNoThrow(prefix))
        {
            return true;
        }

        var buffer = new byte[prefix.Length + 3];
        prefix.CopyTo(buffer);
        return TrySuffixes(buffer, prefix.Length, depth: 1) || TrySuffixes(buffer, prefix.Length, depth: 2)
            || TrySuffixes(buffer, prefix.Length, depth: 3);
    }

    /// <summary>
    /// The length of the shortest prefix of <paramref name="bytes"/> that can never become valid, or -1 when every
    /// prefix can (the bytes are valid, or valid but truncated). Such prefixes are closed under extension, so a binary
    /// search finds the shortest.
    /// </summary>
    public static int EarliestImpossiblePrefix(ReadOnlySpan<byte> bytes)
    {
        if (CanBecomeValid(bytes))
        {
            return -1;
        }

        int low = 1, high = bytes.Length; // CanBecomeValid(empty) holds; CanBecomeValid(bytes[..high]) does not
        while (low < high)
        {
            int mid = (low + high) / 2;
            if (CanBecomeValid(bytes.Slice(0, mid)))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return high;
    }

    /// <summary>
    /// The statuses a correct incremental validator returns after each chunk when <paramref name="bytes"/> is fed cut
    /// at <paramref name="chunkEnds"/> (increasing, the last one equal to the length; the last chunk is final).
    /// </summary>
    public static OperationStatus[] ExpectedStatuses(byte[] bytes, IReadOnlyList<int> chunkEnds)
    {
        int impossibleAt = EarliestImpossiblePrefix(bytes);
        var expected = new OperationStatus[chunkEnds.Count];
        for (int k = 0; k < chunkEnds.Count; k++)
        {
            int end = chunkEnds[k];
            bool final = k == chunkEnds.Count - 1;
            ReadOnlySpan<byte> seen = bytes.AsSpan(0, end);
            if (impossibleAt >= 0 && end >= impossibleAt)
            {
                expected[k] = OperationStatus.InvalidData; // RFC 6455 §8.1: fail as soon as it cannot be valid
            }
            else if (IsValidNoThrow(seen))
            {
                expected[k] = OperationStatus.Done;
            }
            else
            {
                expected[k] = final ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
            }
        }

        return expected;
    }

    /// <summary>Feeds <paramref name="bytes"/> cut at <paramref name="chunkEnds"/> and records each status.</summary>
    public static OperationStatus[] ActualStatuses(byte[] bytes, IReadOnlyList<int> chunkEnds)
    {
        var validator = new Utf8Validator();
        var actual = new OperationStatus[chunkEnds.Count];
        int start = 0;
        for (int k = 0; k < chunkEnds.Count; k++)
        {
            actual[k] = validator.Validate(bytes.AsSpan(start, chunkEnds[k] - start), isFinalBlock: k == chunkEnds.Count - 1);
            start = chunkEnds[k];
        }

        return actual;
    }

    /// <summary>Chunk ends for cutting <paramref name="length"/> bytes into pieces of <paramref name="size"/>.</summary>
    public static int[] EvenChunks(int length, int size)
    {
        var ends = new List<int>();
        for (int end = size; end < length; end += size)
        {
            ends.Add(end);
        }

        ends.Add(length);
        return [.. ends];
    }

    private static bool TrySuffixes(byte[] buffer, int prefixLength, int depth)
    {
        int total = prefixLength + depth;
        int combinations = (int)Math.Pow(s_continuationCandidates.Length, depth);
        for (int c = 0; c < combinations; c++)
        {
            int digits = c;
            for (int j = 0; j < depth; j++)
            {
                buffer[prefixLength + j] = s_continuationCandidates[digits % s_continuationCandidates.Length];
                digits /= s_continuationCandidates.Length;
            }

            if (IsValidNoThrow(buffer.AsSpan(0, total)))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class CountingDecoderFallback : DecoderFallback
    {
        public override int MaxCharCount => 0;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

        private sealed class Buffer : DecoderFallbackBuffer
        {
            public override int Remaining => 0;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                t_invalidCount++;
                return false; // substitute nothing
            }

            public override char GetNextChar() => '\0';

            public override bool MovePrevious() => false;
        }
    }
}

using System.Buffers;
using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Text;

public class Utf8ValidatorTests
{
    /// <summary>
    /// Unicode Table 3-7 (RFC 3629 §4): the allowed range of each byte of each well-formed sequence form.
    /// </summary>
    public static TheoryData<byte[][]> Table37Rows => new()
    {
        new[] { new byte[] { 0x00, 0x7F } },
        new[] { new byte[] { 0xC2, 0xDF }, [0x80, 0xBF] },
        new[] { new byte[] { 0xE0, 0xE0 }, [0xA0, 0xBF], [0x80, 0xBF] },
        new[] { new byte[] { 0xE1, 0xEC }, [0x80, 0xBF], [0x80, 0xBF] },
        new[] { new byte[] { 0xED, 0xED }, [0x80, 0x9F], [0x80, 0xBF] },
        new[] { new byte[] { 0xEE, 0xEF }, [0x80, 0xBF], [0x80, 0xBF] },
        new[] { new byte[] { 0xF0, 0xF0 }, [0x90, 0xBF], [0x80, 0xBF], [0x80, 0xBF] },
        new[] { new byte[] { 0xF1, 0xF3 }, [0x80, 0xBF], [0x80, 0xBF], [0x80, 0xBF] },
        new[] { new byte[] { 0xF4, 0xF4 }, [0x80, 0x8F], [0x80, 0xBF], [0x80, 0xBF] },
    };

    [Theory]
    [MemberData(nameof(Table37Rows))]
    public void Every_boundary_of_table_3_7_is_valid_and_one_past_it_is_not(byte[][] row)
    {
        // Each byte at its lowest and highest allowed value, the others at their lowest: valid.
        for (int position = 0; position < row.Length; position++)
        {
            foreach (byte edge in row[position])
            {
                byte[] sequence = Lowest(row);
                sequence[position] = edge;
                AssertValidEverywhere(sequence);
            }
        }

        // A continuation byte one below or above its range: invalid, and refused in the chunk that brings it.
        for (int position = 1; position < row.Length; position++)
        {
            foreach (int outside in new[] { row[position][0] - 1, row[position][1] + 1 })
            {
                byte[] sequence = Lowest(row);
                sequence[position] = (byte)outside;
                Assert.False(Utf8Reference.IsValid(sequence));
                Assert.False(Utf8Validator.IsValid(sequence));

                var validator = new Utf8Validator();
                Assert.Equal(OperationStatus.NeedMoreData, validator.Validate(sequence.AsSpan(0, position), isFinalBlock: false));
                Assert.Equal(OperationStatus.InvalidData, validator.Validate(sequence.AsSpan(position, 1), isFinalBlock: false));
            }
        }
    }

    [Fact]
    public void Every_byte_as_a_lead_agrees_with_the_strict_decoder()
    {
        byte[] continuations = [0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF];
        for (int lead = 0; lead < 256; lead++)
        {
            AssertAgreesWithReference([(byte)lead]);
            foreach (byte c1 in continuations)
            {
                AssertAgreesWithReference([(byte)lead, c1]);
                foreach (byte c2 in continuations)
                {
                    AssertAgreesWithReference([(byte)lead, c1, c2]);
                    AssertAgreesWithReference([(byte)lead, c1, c2, 0xBF]);
                }
            }
        }
    }

    public static TheoryData<string, byte[]> InvalidSequences => new()
    {
        { "overlong 2-byte NUL", [0xC0, 0x80] },
        { "overlong 2-byte /", [0xC0, 0xAF] },
        { "overlong 2-byte max", [0xC1, 0xBF] },
        { "overlong 3-byte NUL", [0xE0, 0x80, 0x80] },
        { "overlong 3-byte max", [0xE0, 0x9F, 0xBF] },
        { "overlong 4-byte NUL", [0xF0, 0x80, 0x80, 0x80] },
        { "overlong 4-byte max", [0xF0, 0x8F, 0xBF, 0xBF] },
        { "surrogate D800", [0xED, 0xA0, 0x80] },
        { "surrogate DBFF", [0xED, 0xAF, 0xBF] },
        { "surrogate DC00", [0xED, 0xB0, 0x80] },
        { "surrogate DFFF", [0xED, 0xBF, 0xBF] },
        { "surrogate pair", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80] },
        { "U+110000", [0xF4, 0x90, 0x80, 0x80] },
        { "U+13FFFF", [0xF4, 0xBF, 0xBF, 0xBF] },
        { "F5 lead", [0xF5, 0x80, 0x80, 0x80] },
        { "F7 lead", [0xF7, 0xBF, 0xBF, 0xBF] },
        { "5-byte form", [0xF8, 0x88, 0x80, 0x80, 0x80] },
        { "6-byte form", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80] },
        { "FE", [0xFE] },
        { "FF", [0xFF] },
        { "lone continuation 80", [0x80] },
        { "lone continuation BF", [0xBF] },
        { "continuation after ASCII", [0x61, 0x80] },
        { "extra continuation", [0xC3, 0xA9, 0xA9] },
        { "four continuations after F0", [0xF0, 0x90, 0x80, 0x80, 0x80] },
        { "lead then ASCII", [0xC3, 0x41] },
        { "3-byte lead then ASCII", [0xE2, 0x82, 0x41] },
        { "4-byte lead then lead", [0xF0, 0x90, 0xC3, 0xA9] },
    };

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public void Known_invalid_sequences_are_rejected_whole_and_byte_by_byte(string name, byte[] bytes)
    {
        Assert.False(Utf8Reference.IsValid(bytes), name);
        foreach (byte[] context in Contexts())
        {
            byte[] embedded = [.. context, .. bytes, .. context];
            Assert.False(Utf8Validator.IsValid(embedded), name);
            AssertIncrementalMatchesReference(embedded, Utf8Reference.EvenChunks(embedded.Length, 1));
            AssertIncrementalMatchesReference(embedded, [embedded.Length]);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xE0 })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })]
    [InlineData(new byte[] { 0xF4, 0x8F })]
    public void Truncated_sequence_needs_more_data_unless_final(byte[] bytes)
    {
        var validator = new Utf8Validator();
        Assert.Equal(OperationStatus.NeedMoreData, validator.Validate(bytes, isFinalBlock: false));
        Assert.True(validator.HasPendingSequence);
        Assert.False(validator.IsInvalid);

        var final = new Utf8Validator();
        Assert.Equal(OperationStatus.InvalidData, final.Validate(bytes, isFinalBlock: true));
        Assert.True(final.IsInvalid);

        // An empty final block after a pending sequence ends the message inside it.
        Assert.Equal(OperationStatus.InvalidData, validator.Validate(default, isFinalBlock: true));
        Assert.False(Utf8Validator.IsValid(bytes));
    }

    [Theory]
    [InlineData(new byte[] { 0xE0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0 })]
    [InlineData(new byte[] { 0xF4, 0x90 })]
    [InlineData(new byte[] { 0xF0, 0x80 })]
    [InlineData(new byte[] { 0xF0, 0x8F })]
    [InlineData(new byte[] { 0xC0 })]
    [InlineData(new byte[] { 0xC1 })]
    [InlineData(new byte[] { 0xF5 })]
    [InlineData(new byte[] { 0xF8 })]
    [InlineData(new byte[] { 0xFF })]
    public void Chunk_ending_in_an_impossible_prefix_fails_at_once(byte[] tail)
    {
        byte[] chunk = [.. "valid text, then "u8, .. tail];
        var validator = new Utf8Validator();
        Assert.Equal(OperationStatus.InvalidData, validator.Validate(chunk, isFinalBlock: false));

        // Also when the impossible prefix is split over two chunks.
        var split = new Utf8Validator();
        Assert.NotEqual(OperationStatus.InvalidData, split.Validate(chunk.AsSpan(0, chunk.Length - tail.Length), false));
        Assert.Equal(OperationStatus.InvalidData, split.Validate(tail, isFinalBlock: false));
    }

    [Fact]
    public void Invalid_is_sticky_until_reset()
    {
        var validator = new Utf8Validator();
        Assert.Equal(OperationStatus.InvalidData, validator.Validate([0xC3, 0x28], isFinalBlock: false));
        Assert.True(validator.IsInvalid);
        Assert.False(validator.HasPendingSequence);
        Assert.Equal(OperationStatus.InvalidData, validator.Validate("plain ascii"u8, isFinalBlock: false));
        Assert.Equal(OperationStatus.InvalidData, validator.Validate(default, isFinalBlock: true));

        validator.Reset();
        Assert.False(validator.IsInvalid);
        Assert.Equal(OperationStatus.Done, validator.Validate("plain ascii"u8, isFinalBlock: true));
    }

    [Fact]
    public void Reset_forgets_a_pending_sequence()
    {
        var validator = new Utf8Validator();
        Assert.Equal(OperationStatus.NeedMoreData, validator.Validate([0xE2, 0x82], isFinalBlock: false));
        validator.Reset();
        Assert.False(validator.HasPendingSequence);
        Assert.Equal(OperationStatus.Done, validator.Validate([0x41], isFinalBlock: true));
    }

    [Fact]
    public void Pending_sequence_completes_over_several_chunks()
    {
        byte[] emoji = Encoding.UTF8.GetBytes("\U0001F600"); // F0 9F 98 80
        var validator = new Utf8Validator();
        Assert.Equal(OperationStatus.NeedMoreData, validator.Validate(emoji.AsSpan(0, 1), false));
        Assert.Equal(OperationStatus.NeedMoreData, validator.Validate(default, false));
        Assert.Equal(OperationStatus.NeedMoreData, validator.Validate(emoji.AsSpan(1, 1), false));
        Assert.Equal(OperationStatus.NeedMoreData, validator.Validate(emoji.AsSpan(2, 1), false));
        Assert.True(validator.HasPendingSequence);
        Assert.Equal(OperationStatus.Done, validator.Validate(emoji.AsSpan(3, 1), false));
        Assert.False(validator.HasPendingSequence);
        Assert.Equal(OperationStatus.Done, validator.Validate(default, isFinalBlock: true));
    }

    [Fact]
    public void Empty_input_is_valid()
    {
        var validator = new Utf8Validator();
        Assert.Equal(OperationStatus.Done, validator.Validate(default, isFinalBlock: false));
        Assert.Equal(OperationStatus.Done, validator.Validate(default, isFinalBlock: true));
        Assert.True(Utf8Validator.IsValid(default));
    }

    [Fact]
    public void State_is_small()
    {
        Assert.True(System.Runtime.CompilerServices.Unsafe.SizeOf<Utf8Validator>() <= 8);
    }

    [Fact]
    public void Validate_allocates_nothing()
    {
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Grüße, мир, 世界 😀 ", 200)));
        var validator = new Utf8Validator();
        Run(ref validator, text); // warm up: tiering, statics
        Assert.Equal(0, AllocationCounter.Least(() =>
        {
            for (int round = 0; round < 10; round++)
            {
                Run(ref validator, text);
            }
        }));
        Assert.False(validator.IsInvalid);

        static void Run(ref Utf8Validator validator, byte[] text)
        {
            validator.Reset();
            for (int start = 0; start < text.Length; start += 1021)
            {
                int count = Math.Min(1021, text.Length - start);
                validator.Validate(text.AsSpan(start, count), isFinalBlock: start + count == text.Length);
            }

            Utf8Validator.IsValid(text);
        }
    }

    private static byte[] Lowest(byte[][] row) => row.Select(range => range[0]).ToArray();

    /// <summary>Surroundings that put a sequence at the start, inside ASCII, and across vector block edges.</summary>
    private static IEnumerable<byte[]> Contexts()
    {
        yield return [];
        yield return "a"u8.ToArray();
        yield return Encoding.UTF8.GetBytes(new string('x', 30));
        yield return Encoding.UTF8.GetBytes("Привет, мир! こんにちは 😀 and more ASCII to pass 64 bytes");
    }

    private static void AssertValidEverywhere(byte[] sequence)
    {
        foreach (byte[] context in Contexts())
        {
            byte[] embedded = [.. context, .. sequence, .. context];
            Assert.True(Utf8Reference.IsValid(embedded));
            Assert.True(Utf8Validator.IsValid(embedded));
            AssertIncrementalMatchesReference(embedded, Utf8Reference.EvenChunks(embedded.Length, 1));
            AssertIncrementalMatchesReference(embedded, Utf8Reference.EvenChunks(embedded.Length, 3));
        }
    }

    private static void AssertAgreesWithReference(byte[] bytes)
    {
        Assert.Equal(Utf8Reference.IsValid(bytes), Utf8Validator.IsValid(bytes));
        AssertIncrementalMatchesReference(bytes, Utf8Reference.EvenChunks(bytes.Length, 1));
    }

    internal static void AssertIncrementalMatchesReference(byte[] bytes, IReadOnlyList<int> chunkEnds)
    {
        Assert.Equal(Utf8Reference.ExpectedStatuses(bytes, chunkEnds), Utf8Reference.ActualStatuses(bytes, chunkEnds));
    }
}

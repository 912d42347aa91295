using System.Text;
using Shockwave.Codec.Tests.Infrastructure;
using Xunit;

namespace Shockwave.Codec.Tests.Text;

/// <summary>
/// Every kernel in <see cref="Utf8KernelCatalog"/> against the scalar reference, and the scalar reference against the
/// strict decoder, on inputs chosen to put each error at block starts, lane edges and block ends.
/// </summary>
public class Utf8KernelTests
{
    // One byte from each region Table 3-7 distinguishes, plus both ends of each region.
    private static readonly byte[] s_representatives =
    [
        0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
        0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFF,
    ];

    // Where a short pattern goes in a 160-byte ASCII buffer: the first block, across a 16-byte lane edge, across
    // 32- and 64-byte block edges, inside the main loop, and at the very end (the overlapping last block).
    private static readonly int[] s_positions = [0, 14, 30, 62, 95, 126, 156];

    private const int BufferLength = 160;

    [Fact]
    public void All_byte_pairs_agree_with_the_strict_decoder_in_every_kernel()
    {
        byte[] buffer = new byte[BufferLength];
        for (int pair = 0; pair < 0x10000; pair++)
        {
            // Padded with ASCII on both sides, the buffer is valid exactly when the pair is.
            bool expected = Utf8Reference.IsValidNoThrow([(byte)(pair >> 8), (byte)pair]);
            foreach (int position in s_positions)
            {
                buffer.AsSpan().Fill((byte)'a');
                buffer[position] = (byte)(pair >> 8);
                buffer[position + 1] = (byte)pair;
                AssertAllKernels(expected, buffer);
            }
        }
    }

    [Fact]
    public void All_four_byte_windows_of_representative_bytes_agree_with_scalar()
    {
        byte[] buffer = new byte[BufferLength];
        byte[] window = new byte[4];
        int count = s_representatives.Length;
        for (int combination = 0; combination < count * count * count * count; combination++)
        {
            int digits = combination;
            for (int j = 0; j < 4; j++)
            {
                window[j] = s_representatives[digits % count];
                digits /= count;
            }

            bool expected = Utf8Reference.IsValidNoThrow(window);
            foreach (int position in s_positions)
            {
                buffer.AsSpan().Fill((byte)'a');
                window.CopyTo(buffer, position);
                AssertAllKernels(expected, buffer);
            }
        }
    }

    [Fact]
    public void Every_single_byte_substitution_in_mixed_text_agrees_with_scalar()
    {
        // Long enough for the wide kernels' aligned block groups; two start offsets give two different alignments.
        byte[] text = MixedText(450);
        byte[] buffer = new byte[text.Length + 64];
        foreach (int offset in new[] { 0, 24 })
        {
            Span<byte> mutated = buffer.AsSpan(offset, text.Length);
            for (int position = 0; position < text.Length; position++)
            {
                for (int value = 0; value < 256; value++)
                {
                    text.CopyTo(mutated);
                    mutated[position] = (byte)value;
                    AssertAllKernels(Utf8Kernels.ValidateScalar(mutated), mutated);
                }
            }
        }
    }

    [Fact]
    public void Every_truncation_of_mixed_text_agrees_with_the_strict_decoder()
    {
        byte[] text = MixedText(1100);
        for (int length = 0; length <= text.Length; length++)
        {
            byte[] prefix = text.AsSpan(0, length).ToArray();
            AssertAllKernels(Utf8Reference.IsValidNoThrow(prefix), prefix);
        }
    }

    [Fact]
    public void Kernels_never_read_outside_the_span()
    {
        // The span touches an inaccessible page before it, then one after it: a stray read crashes the run.
        using var memory = new GuardedMemory(2048);
        byte[] ascii = Enumerable.Repeat((byte)'a', 1100).ToArray();
        foreach (byte[] source in new[] { MixedText(1100), ascii })
        {
            for (int length = 0; length <= source.Length; length++)
            {
                ReadOnlySpan<byte> data = source.AsSpan(0, length);
                bool expected = Utf8Kernels.ValidateScalar(data);
                foreach (var (name, validate) in Utf8KernelCatalog.All)
                {
                    data.CopyTo(memory.AtStart(length));
                    Assert.True(validate(memory.AtStart(length)) == expected, $"{name}, {length} bytes at the start");
                    data.CopyTo(memory.AtEnd(length));
                    Assert.True(validate(memory.AtEnd(length)) == expected, $"{name}, {length} bytes at the end");
                }
            }
        }
    }

    [Fact]
    public void Scalar_kernel_classifies_every_lead_byte_per_table_3_7()
    {
        for (int b = 0; b < 256; b++)
        {
            int needed = Utf8Kernels.ClassifyLead((byte)b, out byte lower, out byte upper);
            int expectedNeeded = b switch
            {
                < 0x80 => 0,
                < 0xC2 => -1,
                < 0xE0 => 1,
                < 0xF0 => 2,
                < 0xF5 => 3,
                _ => -1,
            };
            Assert.Equal(expectedNeeded, needed);
            if (needed > 0)
            {
                Assert.Equal(b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80, lower);
                Assert.Equal(b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF, upper);
            }
        }
    }

    /// <summary>Deterministic text in several scripts, cut to a valid length near <paramref name="length"/>.</summary>
    internal static byte[] MixedText(int length)
    {
        const string Sample = "{\"name\":\"Zoë\",\"city\":\"Москва\",\"note\":\"東京 😀 ok\",\"n\":42} ";
        var builder = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(builder.ToString()) < length)
        {
            builder.Append(Sample);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(builder.ToString());
        int end = length;
        while (end > 0 && Utf8Kernels.IsContinuation(bytes[end]))
        {
            end--; // back to a sequence boundary
        }

        return bytes.AsSpan(0, end).ToArray();
    }

    private static void AssertAllKernels(bool expected, ReadOnlySpan<byte> data)
    {
        foreach (var (name, validate) in Utf8KernelCatalog.All)
        {
            if (validate(data) != expected)
            {
                Assert.Fail($"{name} returned {!expected} for {Convert.ToHexString(data)}");
            }
        }
    }
}

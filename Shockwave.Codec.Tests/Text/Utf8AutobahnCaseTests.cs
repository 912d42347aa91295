using System.Buffers;
using Xunit;

namespace Shockwave.Codec.Tests.Text;

/// <summary>
/// The UTF-8 cases of the Autobahn TestSuite, section 6 (built on Markus Kuhn's UTF-8 decoder stress test): each
/// message whole, byte by byte, and in the fragmentations the suite sends, with fail-fast where it checks for it.
/// </summary>
public class Utf8AutobahnCaseTests
{
    private static readonly byte[] s_kosme = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]; // κόσμε
    private static readonly byte[] s_edited = "-edited"u8.ToArray();

    public static TheoryData<string, string, bool> Cases => new()
    {
        { "6.2 Hello-µ@ßöäüàá-UTF-8!!", Hex("Hello-µ@ßöäüàá-UTF-8!!"u8), true },
        { "6.5.1 κόσμε", Convert.ToHexString(s_kosme), true },
        { "6.7.1 first 1-byte", "00", true },
        { "6.7.2 first 2-byte", "C280", true },
        { "6.7.3 first 3-byte", "E0A080", true },
        { "6.7.4 first 4-byte", "F0908080", true },
        { "6.8.1 first 5-byte", "F888808080", false },
        { "6.8.2 first 6-byte", "FC8480808080", false },
        { "6.9.1 last 1-byte", "7F", true },
        { "6.9.2 last 2-byte", "DFBF", true },
        { "6.9.3 last 3-byte", "EFBFBF", true },
        { "6.9.4 last 4-byte", "F48FBFBF", true },
        { "6.10.1 last 4-byte form", "F7BFBFBF", false },
        { "6.10.2 last 5-byte form", "FBBFBFBFBF", false },
        { "6.10.3 last 6-byte form", "FDBFBFBFBFBF", false },
        { "6.11.1 U+D7FF", "ED9FBF", true },
        { "6.11.2 U+E000", "EE8080", true },
        { "6.11.3 U+FFFD", "EFBFBD", true },
        { "6.11.4 U+10FFFF", "F48FBFBF", true },
        { "6.11.5 U+110000", "F4908080", false },
        { "6.12.1 first continuation", "80", false },
        { "6.12.2 last continuation", "BF", false },
        { "6.12.3 2 continuations", "80BF", false },
        { "6.12.8 7 continuations", "80BF80BF80BF80", false },
        { "6.12.9 all 64 continuations", AllContinuations(), false },
        { "6.13.1 lonely 2-byte starts", LonelyStarts(0xC0, 0xDF), false },
        { "6.13.2 lonely 3-byte starts", LonelyStarts(0xE0, 0xEF), false },
        { "6.13.3 lonely 4-byte starts", LonelyStarts(0xF0, 0xF7), false },
        { "6.13.4 lonely 5-byte starts", LonelyStarts(0xF8, 0xFB), false },
        { "6.13.5 lonely 6-byte starts", LonelyStarts(0xFC, 0xFD), false },
        { "6.14.1 C0 missing last", "C0", false },
        { "6.14.2 E0 80 missing last", "E080", false },
        { "6.14.3 F0 80 80 missing last", "F08080", false },
        { "6.14.6 DF missing last", "DF", false },
        { "6.14.7 EF BF missing last", "EFBF", false },
        { "6.14.8 F7 BF BF missing last", "F7BFBF", false },
        { "6.15.1 concatenated incomplete", "C0E080F08080F8808080FC80808080DFEFBFF7BFBFFBBFBFBFFDBFBFBFBF", false },
        { "6.16.1 FE", "FE", false },
        { "6.16.2 FF", "FF", false },
        { "6.16.3 FE FE FF FF", "FEFEFFFF", false },
        { "6.17.1 overlong / 2", "C0AF", false },
        { "6.17.2 overlong / 3", "E080AF", false },
        { "6.17.3 overlong / 4", "F08080AF", false },
        { "6.17.4 overlong / 5", "F8808080AF", false },
        { "6.18.1 max overlong 2", "C1BF", false },
        { "6.18.2 max overlong 3", "E09FBF", false },
        { "6.18.3 max overlong 4", "F08FBFBF", false },
        { "6.19.1 overlong NUL 2", "C080", false },
        { "6.19.2 overlong NUL 3", "E08080", false },
        { "6.19.3 overlong NUL 4", "F0808080", false },
        { "6.20.1 U+D800", "EDA080", false },
        { "6.20.2 U+DB7F", "EDADBF", false },
        { "6.20.3 U+DB80", "EDAE80", false },
        { "6.20.4 U+DBFF", "EDAFBF", false },
        { "6.20.5 U+DC00", "EDB080", false },
        { "6.20.6 U+DF80", "EDBE80", false },
        { "6.20.7 U+DFFF", "EDBFBF", false },
        { "6.21.1 U+D800 U+DC00", "EDA080EDB080", false },
        { "6.21.8 U+DBFF U+DFFF", "EDAFBFEDBFBF", false },
        { "6.22.1 U+FFFE", "EFBFBE", true },
        { "6.22.2 U+FFFF", "EFBFBF", true },
        { "6.22.3 U+1FFFE", "F09FBFBE", true },
        { "6.22.34 U+10FFFF", "F48FBFBF", true },
        { "6.23.1 U+FFFD", "EFBFBD", true },
        { "6.23.7 U+FEFF (BOM)", "EFBBBF", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Section_6_case(string name, string hex, bool valid)
    {
        byte[] bytes = Convert.FromHexString(hex);
        Assert.True(Utf8Reference.IsValid(bytes) == valid, $"{name}: the reference disagrees with the suite");
        Assert.True(Utf8Validator.IsValid(bytes) == valid, name);

        var validator = new Utf8Validator();
        OperationStatus status = validator.Validate(bytes, isFinalBlock: true);
        Assert.Equal(valid ? OperationStatus.Done : OperationStatus.InvalidData, status);

        // 6.6 and 6.4.3/6.4.4 send the message one byte per frame; 6.2.x in chops of varying size.
        foreach (int size in new[] { 1, 2, 3, 5 })
        {
            Utf8ValidatorTests.AssertIncrementalMatchesReference(bytes, Utf8Reference.EvenChunks(bytes.Length, size));
        }
    }

    /// <summary>
    /// Autobahn 6.4.1–6.4.4: κόσμε, then F4 90 80 80 (above U+10FFFF), then "-edited", in three frames. The peer must fail
    /// in the frame that brings the 90, before the message ends.
    /// </summary>
    [Theory]
    [InlineData(new[] { 12, 15, 22 }, 1)] // κόσμε F4 | 90 80 80 | -edited
    [InlineData(new[] { 13, 15, 22 }, 0)] // κόσμε F4 90 | 80 80 | -edited: fails in the first frame already
    [InlineData(new[] { 11, 15, 22 }, 1)] // κόσμε | F4 90 80 80 | -edited
    public void Section_6_4_fails_fast_in_the_frame_with_the_impossible_byte(int[] frameEnds, int failingFrame)
    {
        byte[] message = [.. s_kosme, 0xF4, 0x90, 0x80, 0x80, .. s_edited];
        OperationStatus[] statuses = Utf8Reference.ActualStatuses(message, frameEnds);
        for (int frame = 0; frame < statuses.Length; frame++)
        {
            Assert.Equal(frame < failingFrame ? Expected(frame) : OperationStatus.InvalidData, statuses[frame]);
        }

        // 6.4.3/6.4.4 send it byte by byte: the validator fails on the 90 itself (index 12).
        OperationStatus[] bytewise = Utf8Reference.ActualStatuses(message, Utf8Reference.EvenChunks(message.Length, 1));
        Assert.Equal(OperationStatus.NeedMoreData, bytewise[11]); // after F4
        Assert.Equal(OperationStatus.InvalidData, bytewise[12]);  // after F4 90

        OperationStatus Expected(int frame) =>
            frameEnds[frame] == s_kosme.Length ? OperationStatus.Done : OperationStatus.NeedMoreData;
    }

    [Fact]
    public void Section_6_3_invalid_surrogate_in_the_middle_fails_at_its_second_byte()
    {
        byte[] message = [.. s_kosme, 0xED, 0xA0, 0x80, .. s_edited];
        OperationStatus[] bytewise = Utf8Reference.ActualStatuses(message, Utf8Reference.EvenChunks(message.Length, 1));
        Assert.Equal(OperationStatus.Done, bytewise[10]);         // κόσμε
        Assert.Equal(OperationStatus.NeedMoreData, bytewise[11]); // ED
        Assert.Equal(OperationStatus.InvalidData, bytewise[12]);  // ED A0: a surrogate, impossible
        Assert.All(bytewise.Skip(12), status => Assert.Equal(OperationStatus.InvalidData, status));
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    private static string AllContinuations()
    {
        var bytes = new byte[64];
        for (int i = 0; i < 64; i++)
        {
            bytes[i] = (byte)(0x80 + i);
        }

        return Convert.ToHexString(bytes);
    }

    private static string LonelyStarts(int first, int last)
    {
        var bytes = new List<byte>();
        for (int b = first; b <= last; b++)
        {
            bytes.Add((byte)b);
            bytes.Add(0x20); // each start followed by a space
        }

        return Convert.ToHexString(bytes.ToArray());
    }
}

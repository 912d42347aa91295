using System.Buffers;
using FsCheck.Xunit;
using Shockwave.Codec.Tests.Properties.Arbitraries;
using Shockwave.Codec.Tests.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Properties;

public class Utf8Properties
{
    [Property(Replay = Replay.Seed, Arbitrary = [typeof(Utf8Arbitraries)], MaxTest = 500)]
    public void Chunked_validation_agrees_with_the_strict_decoder(Utf8Message message)
    {
        OperationStatus[] actual = Utf8Reference.ActualStatuses(message.Bytes, message.ChunkEnds);
        bool valid = Utf8Reference.IsValid(message.Bytes);
        Assert.Equal(valid, actual[^1] == OperationStatus.Done);
        Assert.Equal(valid, Utf8Validator.IsValid(message.Bytes));
    }

    /// <summary>
    /// The full incremental contract, fail-fast included: after each chunk the status is InvalidData exactly when the
    /// bytes so far reach the shortest prefix that no continuation can make valid (found by brute force).
    /// </summary>
    [Property(Replay = Replay.Seed, Arbitrary = [typeof(Utf8Arbitraries)], MaxTest = 500)]
    public void Each_chunk_status_matches_the_brute_force_reference(Utf8Message message)
    {
        Assert.Equal(
            Utf8Reference.ExpectedStatuses(message.Bytes, message.ChunkEnds),
            Utf8Reference.ActualStatuses(message.Bytes, message.ChunkEnds));
    }

    [Property(Replay = Replay.Seed, Arbitrary = [typeof(Utf8Arbitraries)], MaxTest = 200)]
    public void Whole_buffer_equals_one_byte_chunks(Utf8Message message)
    {
        byte[] bytes = message.Bytes;
        OperationStatus whole = Utf8Reference.ActualStatuses(bytes, [bytes.Length])[^1];
        OperationStatus bytewise = Utf8Reference.ActualStatuses(bytes, Utf8Reference.EvenChunks(bytes.Length, 1))[^1];
        Assert.Equal(whole, bytewise);
    }

    /// <summary>
    /// Every kernel agrees with the scalar reference at every start offset 0..31 of a bigger buffer, whose bytes
    /// outside the slice are hostile (a lead byte before, continuation bytes after) so reading them would show.
    /// </summary>
    [Property(Replay = Replay.Seed, Arbitrary = [typeof(Utf8Arbitraries)], MaxTest = 300)]
    public void Kernels_agree_with_scalar_at_every_misalignment(Utf8Block block)
    {
        byte[] bytes = block.Bytes;
        bool expected = Utf8Kernels.ValidateScalar(bytes);
        Assert.Equal(Utf8Reference.IsValidNoThrow(bytes), expected);

        byte[] buffer = new byte[bytes.Length + 32 + 64];
        for (int offset = 0; offset < 32; offset++)
        {
            buffer.AsSpan(0, offset).Fill(0xF0);
            bytes.CopyTo(buffer, offset);
            buffer.AsSpan(offset + bytes.Length).Fill(0x80);
            ReadOnlySpan<byte> slice = buffer.AsSpan(offset, bytes.Length);
            foreach (var (name, validate) in Utf8KernelCatalog.All)
            {
                Assert.True(validate(slice) == expected, $"{name} at offset {offset}");
            }
        }
    }
}

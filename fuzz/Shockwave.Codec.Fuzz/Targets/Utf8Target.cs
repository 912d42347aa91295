using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using System.Text.Unicode;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// <see cref="Utf8Validator"/> under input-derived chunking against the BCL (<see cref="UTF8Encoding"/> for the verdict on
/// the whole, <see cref="Utf8.ToUtf16(ReadOnlySpan{byte}, Span{char}, out int, out int, bool, bool)"/> for the
/// fail-fast status after each chunk), and every vector kernel against the scalar kernel.
/// </summary>
/// <remarks>Input: <c>[count] [size]…</c> (1–8 chunk sizes of 0–63 bytes, used in turn) then the bytes to validate.</remarks>
internal sealed partial class Utf8Target : IFuzzTarget
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Name => "utf8";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        int[] sizes = plan.ReadChunkSizes(b => b & 63);
        ReadOnlySpan<byte> data = plan.Rest;

        bool expected = IsValidByEncoding(data);
        Check.Equal(expected, BclStatus(data, isFinalBlock: true) == OperationStatus.Done, "UTF8Encoding vs Utf8.ToUtf16 (oracle sanity)");
        Check.Equal(expected, Utf8Validator.IsValid(data), "Utf8Validator.IsValid");

        CheckKernels(data, expected);
        for (int trim = 1; trim <= 3 && trim <= data.Length; trim++)
        {
            // Shifted starts and ends move every block boundary and the overlapping last block of the vector kernels.
            CheckKernels(data.Slice(trim), IsValidByEncoding(data.Slice(trim)));
            CheckKernels(data.Slice(0, data.Length - trim), IsValidByEncoding(data.Slice(0, data.Length - trim)));
        }

        List<(int Start, int Length)> chunks = Chunking.Cut(data.Length, sizes, maxChunks: 256);
        CheckChunked(data, chunks, expected, finalFlagOnLastChunk: true);
        CheckChunked(data, chunks, expected, finalFlagOnLastChunk: false);
    }

    private static void CheckChunked(ReadOnlySpan<byte> data, List<(int Start, int Length)> chunks, bool expected, bool finalFlagOnLastChunk)
    {
        var validator = new Utf8Validator();
        OperationStatus status = OperationStatus.Done;
        for (int i = 0; i < chunks.Count; i++)
        {
            (int start, int length) = chunks[i];
            bool isFinal = finalFlagOnLastChunk && i == chunks.Count - 1;
            status = validator.Validate(data.Slice(start, length), isFinal);

            // Fail fast, and no sooner: the status after each chunk is the BCL's for the prefix seen so far.
            OperationStatus reference = BclStatus(data.Slice(0, start + length), isFinal);
            Check.Equal(reference, status, $"status after chunk {i} ending at {start + length} (final: {isFinal})");
            Check.Equal(status == OperationStatus.InvalidData, validator.IsInvalid, "IsInvalid");
            Check.Equal(status == OperationStatus.NeedMoreData, validator.HasPendingSequence, "HasPendingSequence");
        }

        if (!finalFlagOnLastChunk || chunks.Count == 0)
        {
            status = validator.Validate(default, isFinalBlock: true);
        }

        Check.Equal(expected ? OperationStatus.Done : OperationStatus.InvalidData, status, "final status");
        Check.Equal(OperationStatus.InvalidData, status == OperationStatus.InvalidData ? validator.Validate("a"u8, false) : OperationStatus.InvalidData, "sticky InvalidData");

        validator.Reset();
        Check.True(!validator.IsInvalid && !validator.HasPendingSequence, "state after Reset");
        Check.Equal(expected ? OperationStatus.Done : OperationStatus.InvalidData, validator.Validate(data, isFinalBlock: true), "whole after Reset");
    }

    private static void CheckKernels(ReadOnlySpan<byte> data, bool expected)
    {
        Check.Equal(expected, Utf8Kernels.ValidateScalar(data), "scalar kernel vs UTF8Encoding");
        Check.Equal(expected, Utf8Kernels.Validate(data), "dispatched kernel");
        if (Vector128.IsHardwareAccelerated)
        {
            Check.Equal(expected, Utf8Kernels.ValidateVector128(data), "Vector128 kernel vs scalar");
        }

        if (Avx2.IsSupported)
        {
            Check.Equal(expected, Utf8Kernels.ValidateVector256(data), "Vector256 kernel vs scalar");
        }

        if (Avx512BW.IsSupported)
        {
            Check.Equal(expected, Utf8Kernels.ValidateVector512(data), "Vector512 kernel vs scalar");
        }
    }

    private static bool IsValidByEncoding(ReadOnlySpan<byte> data)
    {
        try
        {
            s_strict.GetCharCount(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static OperationStatus BclStatus(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(1, data.Length));
        try
        {
            return Utf8.ToUtf16(data, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}

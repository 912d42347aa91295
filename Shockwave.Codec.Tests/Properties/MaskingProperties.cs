using FsCheck.Xunit;
using Shockwave.Codec.Tests.Masking;
using Shockwave.Codec.Tests.Properties.Arbitraries;

namespace Shockwave.Codec.Tests.Properties;

[Properties(Arbitrary = [typeof(MaskingArbitraries)])]
public class MaskingProperties
{
    private const byte Sentinel = 0xA5;

    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Masking_twice_is_the_identity(MaskCase c)
    {
        byte[] buffer = InBuffer(c);
        byte[] original = (byte[])buffer.Clone();
        Span<byte> data = buffer.AsSpan(c.Start, c.Length);

        int first = Masker.Apply(data, c.Key, c.Offset);
        int second = Masker.Apply(data, c.Key, c.Offset);

        return first == second && buffer.AsSpan().SequenceEqual(original);
    }

    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Chunked_masking_equals_one_call(ChunkedMaskCase chunked)
    {
        MaskCase c = chunked.Case;
        byte[] payload = c.Payload();
        byte[] expected = MaskTestKit.Reference(payload, c.Key, c.Offset);

        byte[] inPlace = (byte[])payload.Clone();
        var copied = new byte[c.Length];
        var masker = new Masker(c.Key, c.Offset);
        int offset = c.Offset;
        int position = 0;
        foreach (int cut in chunked.Cuts.Append(c.Length))
        {
            masker.Apply(inPlace.AsSpan(position, cut - position));
            offset = Masker.Apply(payload.AsSpan(position, cut - position), copied.AsSpan(position), c.Key, offset);
            position = cut;
        }

        int end = (c.Offset + c.Length) & 3;
        return inPlace.AsSpan().SequenceEqual(expected) && copied.AsSpan().SequenceEqual(expected)
            && masker.Offset == end && offset == end;
    }

    [Property(Replay = Replay.Seed, MaxTest = 500)]
    public bool Every_kernel_equals_the_reference(MaskCase c)
    {
        byte[] payload = c.Payload();
        byte[] expected = MaskTestKit.Reference(payload, c.Key, c.Offset);
        uint nativeKey = MaskTestKit.NativeKey(c.Key, c.Offset);
        foreach ((string _, MaskKernel kernel) in MaskTestKit.Kernels)
        {
            byte[] buffer = InBuffer(c);
            kernel(buffer.AsSpan(c.Start, c.Length), buffer.AsSpan(c.Start, c.Length), nativeKey);
            if (!IsExpectedInBuffer(buffer, c, expected))
            {
                return false;
            }

            byte[] destination = SentinelBuffer(c);
            kernel(payload, destination.AsSpan(c.Start, c.Length), nativeKey);
            if (!IsExpectedInBuffer(destination, c, expected))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Copying_equals_in_place(MaskCase c)
    {
        byte[] payload = c.Payload();
        byte[] inPlace = (byte[])payload.Clone();
        byte[] copied = SentinelBuffer(c);

        int a = Masker.Apply(inPlace, c.Key, c.Offset);
        int b = Masker.Apply(payload, copied.AsSpan(c.Start), c.Key, c.Offset);

        return a == b && copied.AsSpan(c.Start, c.Length).SequenceEqual(inPlace);
    }

    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Bytes_outside_the_destination_are_untouched(MaskCase c)
    {
        byte[] payload = c.Payload();
        byte[] expected = MaskTestKit.Reference(payload, c.Key, c.Offset);

        // The destination span is exactly as long as the payload, inside a bigger buffer of sentinels.
        byte[] copied = SentinelBuffer(c);
        Masker.Apply(payload, copied.AsSpan(c.Start, c.Length), c.Key, c.Offset);

        byte[] inPlace = InBuffer(c);
        var masker = new Masker(c.Key, c.Offset);
        masker.Apply(inPlace.AsSpan(c.Start, c.Length));

        return IsExpectedInBuffer(copied, c, expected) && IsExpectedInBuffer(inPlace, c, expected);
    }

    // The payload at c.Start inside a buffer with 32 sentinel bytes after it (and c.Start before it).
    private static byte[] InBuffer(MaskCase c)
    {
        byte[] buffer = SentinelBuffer(c);
        c.Payload().CopyTo(buffer, c.Start);
        return buffer;
    }

    private static byte[] SentinelBuffer(MaskCase c)
    {
        var buffer = new byte[c.Start + c.Length + 32];
        buffer.AsSpan().Fill(Sentinel);
        return buffer;
    }

    private static bool IsExpectedInBuffer(byte[] buffer, MaskCase c, byte[] expected) =>
        buffer.AsSpan(c.Start, c.Length).SequenceEqual(expected)
        && buffer.AsSpan(0, c.Start).IndexOfAnyExcept(Sentinel) < 0
        && buffer.AsSpan(c.Start + c.Length).IndexOfAnyExcept(Sentinel) < 0;
}

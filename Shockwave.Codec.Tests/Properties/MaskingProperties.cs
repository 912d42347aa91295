using FsCheck.Xunit;
using Shockwave.Codec.Tests.Masking;
using Shockwave.Codec.Tests.Properties.Arbitraries;

namespace Shockwave.Codec.Tests.Properties;

[Properties(Arbitrary = [typeof(MaskingArbitraries)])]
public class MaskingProperties
{
    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Masking_twice_is_the_identity(MaskCase c)
    {
        byte[] payload = c.Payload();
        var buffer = new PlacedBuffer(payload, c.Misalignment);

        int first = Masker.Apply(buffer.Data, c.Key, c.Offset);
        int second = Masker.Apply(buffer.Data, c.Key, c.Offset);

        return first == second && buffer.Data.SequenceEqual(payload) && buffer.GuardsIntact;
    }

    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Chunked_masking_equals_one_call(ChunkedMaskCase chunked)
    {
        MaskCase c = chunked.Case;
        byte[] payload = c.Payload();
        byte[] expected = MaskTestKit.Reference(payload, c.Key, c.Offset);

        var inPlace = new PlacedBuffer(payload, c.Misalignment);
        var copied = new PlacedBuffer(c.Length, 63 - c.Misalignment);
        var masker = new Masker(c.Key, c.Offset);
        int offset = c.Offset;
        int position = 0;
        foreach (int cut in chunked.Cuts.Append(c.Length))
        {
            masker.Apply(inPlace.Data[position..cut]);
            offset = Masker.Apply(payload.AsSpan(position..cut), copied.Data[position..], c.Key, offset);
            position = cut;
        }

        int end = (c.Offset + c.Length) & 3;
        return inPlace.Data.SequenceEqual(expected) && copied.Data.SequenceEqual(expected)
            && inPlace.GuardsIntact && copied.GuardsIntact && masker.Offset == end && offset == end;
    }

    [Property(Replay = Replay.Seed, MaxTest = 500)]
    public bool Every_kernel_equals_the_reference(MaskCase c)
    {
        byte[] payload = c.Payload();
        byte[] expected = MaskTestKit.Reference(payload, c.Key, c.Offset);
        uint nativeKey = MaskTestKit.NativeKey(c.Key, c.Offset);
        foreach ((string _, MaskKernel kernel) in MaskTestKit.Kernels)
        {
            var inPlace = new PlacedBuffer(payload, c.Misalignment);
            kernel(inPlace.Data, inPlace.Data, nativeKey);

            var source = new PlacedBuffer(payload, (c.Misalignment + c.Seed) & 63);
            var copied = new PlacedBuffer(c.Length, c.Misalignment);
            kernel(source.Data, copied.Data, nativeKey);

            if (!inPlace.Data.SequenceEqual(expected) || !inPlace.GuardsIntact
                || !copied.Data.SequenceEqual(expected) || !copied.GuardsIntact || !source.Data.SequenceEqual(payload))
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
        var inPlace = new PlacedBuffer(payload, c.Misalignment);
        var copied = new PlacedBuffer(c.Length, (c.Misalignment + 1) & 63);

        int a = Masker.Apply(inPlace.Data, c.Key, c.Offset);
        int b = Masker.Apply(payload, copied.Data, c.Key, c.Offset);

        return a == b && copied.Data.SequenceEqual(inPlace.Data);
    }

    [Property(Replay = Replay.Seed, MaxTest = 300)]
    public bool Bytes_outside_the_destination_are_untouched(MaskCase c)
    {
        byte[] payload = c.Payload();
        var copied = new PlacedBuffer(c.Length, c.Misalignment);
        Masker.Apply(payload, copied.Data, c.Key, c.Offset);

        var inPlace = new PlacedBuffer(payload, c.Misalignment);
        var masker = new Masker(c.Key, c.Offset);
        masker.Apply(inPlace.Data);

        return copied.GuardsIntact && inPlace.GuardsIntact;
    }
}

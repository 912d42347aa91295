using Xunit;

namespace Shockwave.Codec.Tests.Masking;

/// <summary>
/// Each kernel called directly, so every width is tested whatever the dispatcher would pick on this machine
/// (widths the hardware does not accelerate are left out of <see cref="MaskTestKit.Kernels"/>).
/// </summary>
public class MaskKernelTests
{
    public static TheoryData<string> KernelNames => [.. MaskTestKit.Kernels.Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_matches_reference_in_place_for_every_length_offset_and_alignment(string name)
    {
        MaskKernel kernel = Find(name);
        const uint key = 0xC0FFEE11;
        for (int length = 0; length <= 300; length++)
        {
            byte[] original = Payloads.Binary(length, seed: length);
            for (int offset = 0; offset < 4; offset++)
            {
                byte[] expected = MaskTestKit.Reference(original, key, offset);
                uint nativeKey = MaskTestKit.NativeKey(key, offset);
                for (int misalignment = 0; misalignment < PlacedBuffer.Guard; misalignment++)
                {
                    var buffer = new PlacedBuffer(original, misalignment);

                    kernel(buffer.Data, buffer.Data, nativeKey);

                    Assert.True(expected.AsSpan().SequenceEqual(buffer.Data), $"{name}: length {length}, offset {offset}, misalignment {misalignment}");
                    Assert.True(buffer.GuardsIntact, $"{name}: wrote outside, length {length}, offset {offset}, misalignment {misalignment}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_matches_reference_while_copying_for_every_length_offset_and_alignment(string name)
    {
        MaskKernel kernel = Find(name);
        const uint key = 0x8BADF00D;
        for (int length = 0; length <= 300; length++)
        {
            byte[] original = Payloads.Binary(length, seed: ~length);
            for (int offset = 0; offset < 4; offset++)
            {
                byte[] expected = MaskTestKit.Reference(original, key, offset);
                uint nativeKey = MaskTestKit.NativeKey(key, offset);
                for (int misalignment = 0; misalignment < PlacedBuffer.Guard; misalignment++)
                {
                    // Source and destination misaligned differently, so aligning one leaves the other unaligned.
                    var source = new PlacedBuffer(original, (misalignment * 7 + length) % PlacedBuffer.Guard);
                    var destination = new PlacedBuffer(length, misalignment);

                    kernel(source.Data, destination.Data, nativeKey);

                    Assert.True(expected.AsSpan().SequenceEqual(destination.Data), $"{name}: length {length}, offset {offset}, misalignment {misalignment}");
                    Assert.True(destination.GuardsIntact && source.GuardsIntact, $"{name}: wrote outside, length {length}, offset {offset}, misalignment {misalignment}");
                    Assert.True(original.AsSpan().SequenceEqual(source.Data), "the source changed");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_matches_reference_on_large_buffers(string name)
    {
        MaskKernel kernel = Find(name);
        const uint key = 0x76543210;
        foreach (int length in new[] { 4096, 4096 + 127, 65_536 + 1, 1 << 20 })
        {
            byte[] original = Payloads.Binary(length, seed: length);
            byte[] expected = MaskTestKit.Reference(original, key, 3);
            uint nativeKey = MaskTestKit.NativeKey(key, 3);
            foreach ((int sourceMisalignment, int destinationMisalignment) in new[] { (0, 0), (1, 1), (63, 63), (1, 2), (17, 0) })
            {
                var inPlace = new PlacedBuffer(original, destinationMisalignment);
                kernel(inPlace.Data, inPlace.Data, nativeKey);

                var source = new PlacedBuffer(original, sourceMisalignment);
                var destination = new PlacedBuffer(length, destinationMisalignment);
                kernel(source.Data, destination.Data, nativeKey);

                string where = $"{name}: length {length}, misalignment {sourceMisalignment}/{destinationMisalignment}";
                Assert.True(expected.AsSpan().SequenceEqual(inPlace.Data) && inPlace.GuardsIntact, "in place, " + where);
                Assert.True(expected.AsSpan().SequenceEqual(destination.Data) && destination.GuardsIntact, "copying, " + where);
            }
        }
    }

    [Fact]
    public void Kernel_span_forms_refuse_a_short_destination()
    {
        foreach ((string _, MaskKernel kernel) in MaskTestKit.Kernels)
        {
            Assert.Throws<ArgumentException>("destination", () => kernel(new byte[9], new byte[8], 1));
        }
    }

    [Fact]
    public void Native_key_of_the_test_kit_agrees_with_the_wire_convention()
    {
        // Guards the helper the kernel tests rest on: on a little-endian machine the native key for offset 0 is the key itself.
        if (BitConverter.IsLittleEndian)
        {
            Assert.Equal(0x3D21FA37u, MaskTestKit.NativeKey(0x3D21FA37, 0));
            Assert.Equal(0x373D21FAu, MaskTestKit.NativeKey(0x3D21FA37, 1));
        }

        Assert.Equal(MaskTestKit.NativeKey(0x3D21FA37, 0), MaskTestKit.NativeKey(0x3D21FA37, 4));
    }

    private static MaskKernel Find(string name) => MaskTestKit.Kernels.Single(k => k.Name == name).Kernel;
}

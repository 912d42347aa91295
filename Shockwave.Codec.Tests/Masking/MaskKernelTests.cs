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
    public void Kernel_matches_reference_in_place_for_every_length_offset_and_misalignment(string name)
    {
        MaskKernel kernel = Find(name);
        const uint key = 0xC0FFEE11;
        for (int length = 0; length <= 300; length++)
        {
            byte[] original = MaskTestKit.RandomBytes(length + 31, seed: length);
            for (int offset = 0; offset < 4; offset++)
            {
                uint nativeKey = MaskTestKit.NativeKey(key, offset);
                for (int start = 0; start < 32; start++)
                {
                    byte[] buffer = (byte[])original.Clone();
                    byte[] expected = MaskTestKit.Reference(buffer.AsSpan(start, length), key, offset);

                    kernel(buffer.AsSpan(start, length), buffer.AsSpan(start, length), nativeKey);

                    Assert.True(expected.AsSpan().SequenceEqual(buffer.AsSpan(start, length)), $"{name}: length {length}, offset {offset}, start {start}");
                    Assert.True(original.AsSpan(0, start).SequenceEqual(buffer.AsSpan(0, start)));
                    Assert.True(original.AsSpan(start + length).SequenceEqual(buffer.AsSpan(start + length)));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Kernel_matches_reference_while_copying_a_large_buffer(string name)
    {
        MaskKernel kernel = Find(name);
        const uint key = 0x76543210;
        foreach (int length in new[] { 4096, 4096 + 127, 65_536, 1 << 20 })
        {
            byte[] source = MaskTestKit.RandomBytes(length + 1, seed: length);
            var destination = new byte[length + 3];
            byte[] expected = MaskTestKit.Reference(source.AsSpan(1), key, 3);

            kernel(source.AsSpan(1), destination.AsSpan(2), MaskTestKit.NativeKey(key, 3));

            Assert.True(expected.AsSpan().SequenceEqual(destination.AsSpan(2, length)), $"{name}: length {length}");
            Assert.Equal(0, destination[0] | destination[1]);
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

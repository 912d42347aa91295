using System.Text;
using Xunit;

namespace Shockwave.Codec.Tests.Masking;

public class MaskerTests
{
    // RFC 6455 §5.7: "A single-frame masked text message": 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58.
    private const uint Rfc6455ExampleKey = 0x3D21FA37; // wire bytes 37 fa 21 3d, least significant first
    private static readonly byte[] s_rfc6455MaskedHello = [0x7f, 0x9f, 0x4d, 0x51, 0x58];

    private static readonly int[] s_lengths = [.. Enumerable.Range(0, 101), 127, 128, 129, 255, 256, 1000, 4095, 4096, 4097, 65_536 + 3];

    [Fact]
    public void Rfc6455_example_masks_hello()
    {
        byte[] data = Encoding.ASCII.GetBytes("Hello");
        var masker = new Masker(Rfc6455ExampleKey);

        masker.Apply(data);

        Assert.Equal(s_rfc6455MaskedHello, data);
        Assert.Equal(1, masker.Offset);
    }

    [Fact]
    public void Rfc6455_example_unmasks_while_copying()
    {
        var destination = new byte[5];

        int offset = Masker.Apply(s_rfc6455MaskedHello, destination, Rfc6455ExampleKey, 0);

        Assert.Equal("Hello", Encoding.ASCII.GetString(destination));
        Assert.Equal(1, offset);
    }

    [Fact]
    public void Rfc6455_example_masks_from_the_wire_key_bytes()
    {
        // The convention: the four header bytes read little-endian give the key, on any machine.
        uint key = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian([0x37, 0xfa, 0x21, 0x3d]);
        byte[] data = Encoding.ASCII.GetBytes("Hello");

        Masker.Apply(data, key, 0);

        Assert.Equal(s_rfc6455MaskedHello, data);
    }

    [Fact]
    public void In_place_matches_reference_for_every_offset_length_and_alignment()
    {
        const uint key = 0x9E3779B9;
        foreach (int length in s_lengths)
        {
            byte[] original = Payloads.Binary(length, seed: length);
            for (int offset = 0; offset < 4; offset++)
            {
                byte[] expected = MaskTestKit.Reference(original, key, offset);
                foreach (int misalignment in Misalignments(length))
                {
                    var buffer = new PlacedBuffer(original, misalignment);

                    int next = Masker.Apply(buffer.Data, key, offset);

                    Assert.True(expected.AsSpan().SequenceEqual(buffer.Data), $"length {length}, offset {offset}, misalignment {misalignment}");
                    Assert.True(buffer.GuardsIntact, $"wrote outside: length {length}, offset {offset}, misalignment {misalignment}");
                    Assert.Equal((offset + length) % 4, next);
                }
            }
        }
    }

    [Fact]
    public void Copying_matches_reference_for_every_offset_length_and_alignment()
    {
        const uint key = 0x01234567;
        foreach (int length in s_lengths)
        {
            byte[] original = Payloads.Binary(length, seed: ~length);
            for (int offset = 0; offset < 4; offset++)
            {
                byte[] expected = MaskTestKit.Reference(original, key, offset);
                foreach (int misalignment in Misalignments(length))
                {
                    var source = new PlacedBuffer(original, 63 - misalignment);
                    var destination = new PlacedBuffer(length, misalignment);

                    int next = Masker.Apply(source.Data, destination.Data, key, offset);

                    Assert.True(expected.AsSpan().SequenceEqual(destination.Data), $"length {length}, offset {offset}, misalignment {misalignment}");
                    Assert.True(destination.GuardsIntact, $"wrote outside: length {length}, offset {offset}, misalignment {misalignment}");
                    Assert.True(original.AsSpan().SequenceEqual(source.Data), "the source changed");
                    Assert.Equal((offset + length) % 4, next);
                }
            }
        }
    }

    [Fact]
    public void Copying_into_a_longer_destination_leaves_its_end_alone()
    {
        byte[] source = Payloads.Binary(100, seed: 5);
        var destination = new PlacedBuffer(130, 1);

        Masker.Apply(source, destination.Data, 0xDEADBEEF, 2);

        Assert.Equal(MaskTestKit.Reference(source, 0xDEADBEEF, 2), destination.Data[..100].ToArray());
        Assert.True(destination.Data[100..].IndexOfAnyExcept(PlacedBuffer.Sentinel) < 0);
    }

    [Fact]
    public void Masker_continues_the_offset_across_chunks()
    {
        const uint key = 0xA1B2C3D4;
        byte[] payload = Payloads.Binary(1000, seed: 1);
        byte[] expected = MaskTestKit.Reference(payload, key, 2);
        var masker = new Masker(key, offset: 2);
        int position = 0;
        foreach (int chunk in new[] { 1, 3, 0, 5, 31, 64, 100, 2, 794 })
        {
            masker.Apply(payload.AsSpan(position, chunk));
            position += chunk;
            Assert.Equal((2 + position) % 4, masker.Offset);
        }

        Assert.Equal(expected, payload);
        Assert.Equal(key, masker.MaskKey);
    }

    [Fact]
    public void Masker_copying_continues_the_offset_across_chunks()
    {
        const uint key = 0x0BADF00D;
        byte[] payload = Payloads.Binary(300, seed: 2);
        var destination = new byte[300];
        var masker = new Masker(key);

        masker.Apply(payload.AsSpan(0, 7), destination);
        masker.Apply(payload.AsSpan(7, 200), destination.AsSpan(7));
        masker.Apply(payload.AsSpan(207), destination.AsSpan(207));

        Assert.Equal(MaskTestKit.Reference(payload, key, 0), destination);
        Assert.Equal(300 % 4, masker.Offset);
    }

    [Fact]
    public void Default_masker_is_the_identity()
    {
        byte[] data = Payloads.Binary(40, seed: 3);
        byte[] expected = (byte[])data.Clone();
        var masker = default(Masker);

        masker.Apply(data);

        Assert.Equal(expected, data);
        Assert.Equal(0u, masker.MaskKey);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(int.MinValue)]
    public void Offset_outside_0_to_3_throws(int offset)
    {
        var data = new byte[8];
        Assert.Throws<ArgumentOutOfRangeException>("offset", () => new Masker(1, offset));
        Assert.Throws<ArgumentOutOfRangeException>("offset", () => Masker.Apply(data, 1, offset));
        Assert.Throws<ArgumentOutOfRangeException>("offset", () => Masker.Apply(data, new byte[8], 1, offset));
    }

    [Fact]
    public void Short_destination_throws_and_writes_nothing()
    {
        var destination = new byte[4];
        Assert.Throws<ArgumentException>("destination", () => Masker.Apply(new byte[5], destination, 0xFFFFFFFF, 0));
        Assert.Throws<ArgumentException>("destination", () =>
        {
            var masker = new Masker(0xFFFFFFFF);
            masker.Apply(new byte[5], destination);
        });
        Assert.Equal(new byte[4], destination);
    }

    [Fact]
    public void Partially_overlapping_source_and_destination_are_masked_as_if_copied_first()
    {
        const uint key = 0x5A5A1234;
        const int length = 200;
        for (int shift = -40; shift <= 40; shift++)
        {
            byte[] buffer = Payloads.Binary(length + 80, seed: shift + 100);
            int sourceStart = 40;
            byte[] expected = MaskTestKit.Reference(buffer.AsSpan(sourceStart, length), key, 1);

            int next = Masker.Apply(buffer.AsSpan(sourceStart, length), buffer.AsSpan(sourceStart + shift, length), key, 1);

            Assert.True(expected.AsSpan().SequenceEqual(buffer.AsSpan(sourceStart + shift, length)), $"shift {shift}");
            Assert.Equal((1 + length) % 4, next);
        }
    }

    [Fact]
    public void Apply_allocates_nothing()
    {
        byte[] buffer = Payloads.Binary(4096, seed: 4);
        var destination = new byte[4096];
        RunAll(buffer, destination); // warm up: JIT, tiering
        Assert.Equal(0, AllocationCounter.Least(() => RunAll(buffer, destination)));

        static void RunAll(byte[] buffer, byte[] destination)
        {
            for (int i = 0; i < 100; i++)
            {
                var masker = new Masker(0x12345678, i & 3);
                masker.Apply(buffer.AsSpan(i));
                masker.Apply(buffer.AsSpan(i), destination);
                Masker.Apply(buffer.AsSpan(0, i * 7), 0x9ABCDEF0, i & 3);
                Masker.Apply(buffer.AsSpan(0, i * 7), destination, 0x9ABCDEF0, i & 3);
            }
        }
    }

    // Every distance from a 64-byte boundary for small lengths; a few for big ones to keep the test quick.
    private static IEnumerable<int> Misalignments(int length) =>
        length <= 256 ? Enumerable.Range(0, PlacedBuffer.Guard) : [0, 1, 3, 15, 17, 31, 32, 63];
}

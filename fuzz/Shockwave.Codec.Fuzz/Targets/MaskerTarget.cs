using System.Runtime.InteropServices;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// <see cref="Masker"/> and each <c>MaskKernels</c> width against RFC 6455 §5.3 read literally (octet i XOR key octet
/// (offset + i) mod 4), in place and copying, at input-derived key, offset, misalignment and chunking; chunked equals whole;
/// partially overlapping copies; no byte outside the target range is touched.
/// </summary>
/// <remarks>
/// Input: <c>[key 4 bytes, first wire byte first] [offset] [source misalignment] [destination misalignment] [overlap]
/// [count] [size]…</c> then the payload. Chunk sizes are 0–255.
/// </remarks>
internal sealed partial class MaskerTarget : IFuzzTarget
{
    private const int Guard = 72; // more than one Vector512 on each side
    private const byte GuardByte = 0xA5;

    private delegate void Kernel(ReadOnlySpan<byte> source, Span<byte> destination, uint nativeKey);

    private static readonly (string Name, Kernel Apply)[] s_kernels =
    [
        ("scalar", MaskKernels.ApplyScalar),
        ("Vector128", MaskKernels.ApplyVector128),
        ("Vector256", MaskKernels.ApplyVector256),
        ("Vector512", MaskKernels.ApplyVector512),
    ];

    public string Name => "masker";

    public void Run(ReadOnlySpan<byte> input)
    {
        var plan = new PlanReader(input);
        uint key = plan.ReadUInt32();
        int offset = plan.ReadByte() & 3;
        int sourceShift = plan.ReadByte() & 63;
        int destinationShift = plan.ReadByte() & 63;
        int overlap = (plan.ReadByte() % 9) - 4;
        int[] sizes = plan.ReadChunkSizes(b => b);
        ReadOnlySpan<byte> data = plan.Rest;

        byte[] expected = Reference(data, key, offset);
        int nextOffset = (offset + data.Length) & 3;

        // Static, in place, at a misaligned address.
        byte[] buffer = Guarded(data, sourceShift);
        Span<byte> target = buffer.AsSpan(Guard + sourceShift, data.Length);
        Check.Equal(nextOffset, Masker.Apply(target, key, offset), "offset returned in place");
        Check.SequenceEqual(expected, target, "in place");
        CheckGuards(buffer, sourceShift, data.Length, "in place");

        // Masking again restores the data.
        Masker.Apply(target, key, offset);
        Check.SequenceEqual(data, target, "masked twice");

        // Static, copying, source and destination each misaligned; bytes of the destination past the source stay as they are.
        byte[] destination = Guarded(new byte[data.Length], destinationShift); // the 7 extra bytes lie in the guard
        Check.Equal(nextOffset, Masker.Apply(data, destination.AsSpan(Guard + destinationShift, data.Length + 7), key, offset), "offset returned copying");
        Check.SequenceEqual(expected, destination.AsSpan(Guard + destinationShift, data.Length), "copying");
        CheckGuards(destination, destinationShift, data.Length, "copying");

        CheckChunked(data, expected, key, offset, sizes);
        CheckOverlap(data, expected, key, offset, overlap);
        CheckKernels(data, key, offset, sourceShift, destinationShift);
    }

    private static void CheckChunked(ReadOnlySpan<byte> data, byte[] expected, uint key, int offset, int[] sizes)
    {
        // A Masker carried across chunks (in place and copying), and the static form with the offset carried by hand.
        byte[] inPlace = data.ToArray();
        byte[] copied = new byte[data.Length];
        byte[] carried = data.ToArray();
        var masker = new Masker(key, offset);
        var copier = new Masker(key, offset);
        int carriedOffset = offset;
        foreach ((int start, int length) in Chunking.Cut(data.Length, sizes))
        {
            masker.Apply(inPlace.AsSpan(start, length));
            copier.Apply(data.Slice(start, length), copied.AsSpan(start, length));
            carriedOffset = Masker.Apply(carried.AsSpan(start, length), key, carriedOffset);
            Check.Equal((offset + start + length) & 3, masker.Offset, "Masker.Offset after a chunk");
        }

        Check.SequenceEqual(expected, inPlace, "chunked in place");
        Check.SequenceEqual(expected, copied, "chunked copying");
        Check.SequenceEqual(expected, carried, "chunked with the offset carried");
        Check.Equal(key, masker.MaskKey, "MaskKey");
        Check.Equal((offset + data.Length) & 3, copier.Offset, "copying Masker.Offset");
        Check.Equal((offset + data.Length) & 3, carriedOffset, "carried offset");
    }

    private static void CheckOverlap(ReadOnlySpan<byte> data, byte[] expected, uint key, int offset, int shift)
    {
        // Source and destination in one buffer, `shift` bytes apart: the result is as if the source had been copied first.
        byte[] buffer = new byte[data.Length + 8];
        int sourceStart = 4;
        data.CopyTo(buffer.AsSpan(sourceStart));
        Masker.Apply(buffer.AsSpan(sourceStart, data.Length), buffer.AsSpan(sourceStart + shift, data.Length), key, offset);
        Check.SequenceEqual(expected, buffer.AsSpan(sourceStart + shift, data.Length), $"overlapping copy shifted by {shift}");
    }

    private static void CheckKernels(ReadOnlySpan<byte> data, uint key, int offset, int sourceShift, int destinationShift)
    {
        // Kernels take the key rotated to the offset and in native order: the word four payload bytes are XORed with.
        byte[] expected = Reference(data, key, offset);
        byte[] wire = WireKey(key);
        uint nativeKey = MemoryMarshal.Read<uint>([wire[offset], wire[(offset + 1) & 3], wire[(offset + 2) & 3], wire[(offset + 3) & 3]]);
        foreach ((string name, Kernel apply) in s_kernels)
        {
            // Every width runs: the Vector APIs fall back to software where the hardware lacks the width.
            byte[] buffer = Guarded(data, sourceShift);
            Span<byte> target = buffer.AsSpan(Guard + sourceShift, data.Length);
            apply(target, target, nativeKey);
            Check.SequenceEqual(expected, target, name + " in place");
            CheckGuards(buffer, sourceShift, data.Length, name + " in place");

            byte[] destination = Guarded(new byte[data.Length], destinationShift);
            apply(data, destination.AsSpan(Guard + destinationShift, data.Length), nativeKey);
            Check.SequenceEqual(expected, destination.AsSpan(Guard + destinationShift, data.Length), name + " copying");
            CheckGuards(destination, destinationShift, data.Length, name + " copying");
        }
    }

    private static byte[] Reference(ReadOnlySpan<byte> data, uint key, int offset)
    {
        byte[] wire = WireKey(key);
        var result = new byte[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            result[i] = (byte)(data[i] ^ wire[(offset + i) % 4]);
        }

        return result;
    }

    // The project's convention: the key's least significant byte is the first key byte on the wire.
    private static byte[] WireKey(uint key) => [(byte)key, (byte)(key >> 8), (byte)(key >> 16), (byte)(key >> 24)];

    private static byte[] Guarded(ReadOnlySpan<byte> data, int shift)
    {
        var buffer = new byte[Guard + shift + data.Length + Guard];
        buffer.AsSpan().Fill(GuardByte);
        data.CopyTo(buffer.AsSpan(Guard + shift));
        return buffer;
    }

    private static void CheckGuards(byte[] buffer, int shift, int length, string what)
    {
        Check.True(buffer.AsSpan(0, Guard + shift).IndexOfAnyExcept(GuardByte) < 0, what + ": a byte before the range was written");
        Check.True(buffer.AsSpan(Guard + shift + length).IndexOfAnyExcept(GuardByte) < 0, what + ": a byte after the range was written");
    }
}

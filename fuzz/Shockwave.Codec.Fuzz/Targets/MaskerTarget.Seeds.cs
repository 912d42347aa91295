namespace Shockwave.Codec.Fuzz;

internal sealed partial class MaskerTarget
{
    public IEnumerable<FuzzSeed> Seeds()
    {
        byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + 7)).ToArray();

        // RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d.
        yield return Seed("rfc-hello", [0x37, 0xFA, 0x21, 0x3D], 0, 0, 0, 0, [5], "Hello"u8.ToArray());

        // Lengths around every step of every kernel (scalar 8/32, vectors 16/32/64, their 4x unrolled loops), at every
        // offset and a few misalignments, chunked at sizes that cut across those steps.
        int[] lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 300];
        for (int i = 0; i < lengths.Length; i++)
        {
            int offset = i & 3;
            yield return Seed($"len-{lengths[i]}-offset-{offset}", [0xA1, 0x00, 0xFF, 0x5C], offset, i % 7, (i * 5) % 64, i % 9, [(byte)(1 + i % 5), 16, 0, 37], Pattern(lengths[i]));
        }

        yield return Seed("zero-key", [0, 0, 0, 0], 2, 1, 3, 8, [3], Pattern(40));
        yield return Seed("ones-key-overlap-back", [0xFF, 0xFF, 0xFF, 0xFF], 3, 13, 51, 0, [64, 1], Pattern(200));
        yield return Seed("overlap-forward", [1, 2, 3, 4], 1, 0, 0, 8, [255], Pattern(100));
    }

    private static FuzzSeed Seed(string name, byte[] key, int offset, int sourceShift, int destinationShift, int overlap, byte[] sizes, byte[] data) =>
        new(name, [.. key, (byte)offset, (byte)sourceShift, (byte)destinationShift, (byte)overlap, (byte)(sizes.Length - 1), .. sizes, .. data]);
}

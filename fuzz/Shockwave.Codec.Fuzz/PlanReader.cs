namespace Shockwave.Codec.Fuzz;

/// <summary>
/// Reads a harness's plan (options, chunk sizes) from the front of a fuzz input; the rest is the data under test.
/// Reading past the end yields zeros, so every input, however short, has a plan.
/// </summary>
internal ref struct PlanReader
{
    private ReadOnlySpan<byte> _input;

    public PlanReader(ReadOnlySpan<byte> input) => _input = input;

    /// <summary>The bytes not read as plan.</summary>
    public readonly ReadOnlySpan<byte> Rest => _input;

    public byte ReadByte()
    {
        if (_input.IsEmpty)
        {
            return 0;
        }

        byte value = _input[0];
        _input = _input.Slice(1);
        return value;
    }

    public uint ReadUInt32() => ReadByte() | ((uint)ReadByte() << 8) | ((uint)ReadByte() << 16) | ((uint)ReadByte() << 24);

    /// <summary>
    /// A list of 1–8 chunk sizes: a count byte, then one byte per size mapped through <paramref name="map"/>.
    /// </summary>
    public int[] ReadChunkSizes(Func<byte, int> map)
    {
        int count = 1 + (ReadByte() & 7);
        var sizes = new int[count];
        for (int i = 0; i < count; i++)
        {
            sizes[i] = map(ReadByte());
        }

        return sizes;
    }
}

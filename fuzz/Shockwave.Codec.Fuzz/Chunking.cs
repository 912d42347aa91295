namespace Shockwave.Codec.Fuzz;

/// <summary>Cuts data into chunks whose sizes cycle through a plan's list.</summary>
internal static class Chunking
{
    /// <summary>
    /// The (start, length) of each chunk of a <paramref name="length"/>-byte input. Sizes of 0 give empty chunks; if every
    /// size is 0, chunks of 1 byte are used so the cut always ends. At most <paramref name="maxChunks"/> chunks: the last one
    /// takes whatever remains.
    /// </summary>
    public static List<(int Start, int Length)> Cut(int length, int[] sizes, int maxChunks = 4096)
    {
        bool progress = sizes.Any(s => s > 0);
        var chunks = new List<(int, int)>();
        int position = 0;
        int i = 0;
        while (position < length)
        {
            int size = progress ? sizes[i++ % sizes.Length] : 1;
            if (chunks.Count == maxChunks - 1)
            {
                size = length - position;
            }

            size = Math.Min(size, length - position);
            chunks.Add((position, size));
            position += size;
        }

        return chunks;
    }
}

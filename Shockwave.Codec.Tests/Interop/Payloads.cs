#if !CODEC_NETSTANDARD
using System.Text;

namespace Shockwave.Codec.Tests.Interop;

/// <summary>The same deterministic payloads as node/common.mjs, so both sides can check what they receive.</summary>
internal static class Payloads
{
    /// <summary><paramref name="length"/> bytes (i * 31 + seed) mod 256.</summary>
    public static byte[] Pattern(int length, int seed = 0)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return bytes;
    }

    /// <summary>Exactly <paramref name="length"/> bytes of UTF-8 mixing 1- to 4-byte characters ("aé€😀" is 10 bytes).</summary>
    public static byte[] Text(int length)
    {
        var builder = new StringBuilder(length);
        for (int i = 0; i < length / 10; i++)
        {
            builder.Append("aé€😀");
        }

        builder.Append('a', length % 10);
        byte[] bytes = Encoding.UTF8.GetBytes(builder.ToString());
        if (bytes.Length != length)
        {
            throw new InvalidOperationException("The text unit is not 10 bytes of UTF-8.");
        }

        return bytes;
    }
}
#endif

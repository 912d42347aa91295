using System.Text;

namespace Shockwave.Codec;

/// <summary>
/// UTF-8 transcoding that refuses lone surrogates instead of replacing them with U+FFFD, so that text we send
/// is exactly the text the caller gave (RFC 6455 §5.6 requires text frames to be valid UTF-8).
/// </summary>
internal static class StrictUtf8
{
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

#if NETSTANDARD2_0
    // netstandard2.0 has no span overloads: pin and use the pointer ones, which also avoid an intermediate array.
    public static unsafe int GetByteCount(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return 0;
        }

        fixed (char* source = chars)
        {
            return Encoding.GetByteCount(source, chars.Length);
        }
    }

    public static unsafe int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        if (chars.IsEmpty)
        {
            return 0;
        }

        fixed (char* source = chars)
        fixed (byte* destination = bytes)
        {
            return Encoding.GetBytes(source, chars.Length, destination, bytes.Length);
        }
    }
#else
    public static int GetByteCount(ReadOnlySpan<char> chars) => Encoding.GetByteCount(chars);

    public static int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes) => Encoding.GetBytes(chars, bytes);
#endif
}

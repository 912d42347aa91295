using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Shockwave.Codec;

/// <summary>
/// The Sec-WebSocket-Accept computation of RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")),
/// done on the stack (no allocation on .NET 8 and later).
/// </summary>
public static class WebSocketAccept
{
    /// <summary>The length of an accept value: 20 SHA-1 bytes in base64.</summary>
    public const int Length = 28;

    /// <summary>The length of a Sec-WebSocket-Key: 16 bytes in base64.</summary>
    public const int KeyLength = 24;

    // RFC 6455 §1.3: the GUID appended to the key.
    private static ReadOnlySpan<byte> Guid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>Computes the accept value for <paramref name="key"/> into <paramref name="destination"/> as ASCII.</summary>
    /// <param name="key">The client's Sec-WebSocket-Key as sent (ASCII, 24 characters for a valid key; any length is hashed).</param>
    /// <param name="destination">At least <see cref="Length"/> bytes.</param>
    /// <returns>The number of bytes written: <see cref="Length"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Length"/>, or the key is longer than 256 bytes.</exception>
    public static int Compute(ReadOnlySpan<byte> key, Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.destination, "The destination must hold 28 bytes.");
        }

        if (key.Length > 256)
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.key, "A Sec-WebSocket-Key is 24 characters.");
        }

        Span<byte> input = stackalloc byte[256 + 36];
        key.CopyTo(input);
        Guid.CopyTo(input.Slice(key.Length));
        Span<byte> hash = stackalloc byte[20];
        Sha1(input.Slice(0, key.Length + Guid.Length), hash);
        Base64.EncodeToUtf8(hash, destination, out _, out int written);
        return written;
    }

    /// <summary>Computes the accept value for <paramref name="key"/> as a string.</summary>
    /// <param name="key">The client's Sec-WebSocket-Key.</param>
    /// <returns>The 28-character accept value.</returns>
    public static string Compute(string key)
    {
        Span<byte> keyBytes = stackalloc byte[256];
        int length = Ascii(key, keyBytes);
        Span<byte> accept = stackalloc byte[Length];
        Compute(keyBytes.Slice(0, length), accept);
        return Encoding.ASCII.GetString(accept.ToArray());
    }

    /// <summary>Whether <paramref name="accept"/> is the right answer to <paramref name="key"/>.</summary>
    /// <param name="key">The key the client sent.</param>
    /// <param name="accept">The Sec-WebSocket-Accept the server returned.</param>
    /// <returns><see langword="true"/> when they match exactly.</returns>
    public static bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> accept)
    {
        if (key.Length > 256)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[Length];
        Compute(key, expected);
        return accept.SequenceEqual(expected);
    }

    /// <summary>Whether <paramref name="key"/> is a valid Sec-WebSocket-Key: base64 of exactly 16 bytes (RFC 6455 §4.1, §4.2.1).</summary>
    /// <param name="key">The header value.</param>
    /// <returns><see langword="true"/> when it decodes to 16 bytes.</returns>
    public static bool IsValidKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[18];
        return Base64.DecodeFromUtf8(key, decoded, out int consumed, out int written) == OperationStatus.Done && consumed == KeyLength && written == 16;
    }

    /// <summary>Creates a new random key (16 bytes from <see cref="RandomNumberGenerator"/>, base64), as a client sends it.</summary>
    /// <returns>The 24-character key.</returns>
    public static string CreateKey()
    {
        byte[] random = new byte[16];
        using (var generator = RandomNumberGenerator.Create())
        {
            generator.GetBytes(random);
        }

        return Convert.ToBase64String(random);
    }

    private static int Ascii(string value, Span<byte> destination)
    {
        if (value.Length > destination.Length)
        {
            ThrowHelper.ThrowArgument(ExceptionArgument.key, "A Sec-WebSocket-Key is 24 characters.");
        }

        for (int i = 0; i < value.Length; i++)
        {
            destination[i] = (byte)value[i];
        }

        return value.Length;
    }

#if NET5_0_OR_GREATER
    private static void Sha1(ReadOnlySpan<byte> input, Span<byte> hash) => SHA1.HashData(input, hash);
#else
    private static void Sha1(ReadOnlySpan<byte> input, Span<byte> hash)
    {
        // netstandard2.0 has no span hashing: this path allocates, the net8+ one does not.
        using var sha1 = SHA1.Create();
        sha1.ComputeHash(input.ToArray()).CopyTo(hash);
    }
#endif
}

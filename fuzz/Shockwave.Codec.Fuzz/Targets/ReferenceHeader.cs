using System.Buffers;

namespace Shockwave.Codec.Fuzz;

/// <summary>
/// An independent, deliberately plain reading of RFC 6455 §5.2 for <see cref="HeaderTarget"/>: what a header parser
/// with a role, negotiated reserved bits and a frame size limit must answer for some bytes.
/// </summary>
/// <remarks>
/// Rules are decided field by field, as soon as the field is complete: the first byte's rules with one byte, the
/// mask and control-length rules with two, the extended length rules with the whole length field, and the size
/// limit once the whole header (mask key included) is there. Where several rules are broken at once, any of them is
/// an acceptable <see cref="FrameError"/>, so the reference returns the set.
/// </remarks>
internal static class ReferenceHeader
{
    public readonly record struct Result(OperationStatus Status, HashSet<FrameError> Errors, bool Fin, int Rsv, int Opcode, bool Masked, uint MaskKey, long PayloadLength, int HeaderLength);

    public static Result Parse(ReadOnlySpan<byte> b, WebSocketRole role, ReservedBits allowed, long maxFrameSize)
    {
        var errors = new HashSet<FrameError>();
        if (b.Length == 0)
        {
            return Need(errors);
        }

        bool fin = (b[0] & 0x80) != 0;
        int rsv = b[0] & 0x70;
        int opcode = b[0] & 0x0F;
        bool control = opcode >= 8;
        if (opcode is not (0 or 1 or 2 or 8 or 9 or 10))
        {
            errors.Add(FrameError.ReservedOpcode);
        }

        // Control frames carry no reserved bits whatever was negotiated; data frames only the negotiated ones.
        int forbidden = control ? 0x70 : 0x70 & ~(int)allowed;
        if ((rsv & forbidden) != 0)
        {
            errors.Add(FrameError.ReservedBitsSet);
        }

        if (control && !fin)
        {
            errors.Add(FrameError.ControlFrameFragmented);
        }

        if (b.Length == 1)
        {
            return errors.Count > 0 ? Invalid(errors) : Need(errors);
        }

        bool masked = (b[1] & 0x80) != 0;
        int length7 = b[1] & 0x7F;
        if (role == WebSocketRole.Server && !masked)
        {
            errors.Add(FrameError.MaskRequired);
        }

        if (role == WebSocketRole.Client && masked)
        {
            errors.Add(FrameError.MaskForbidden);
        }

        if (control && length7 > 125)
        {
            errors.Add(FrameError.ControlFrameTooLarge);
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        long length;
        int position;
        if (length7 <= 125)
        {
            length = length7;
            position = 2;
        }
        else if (length7 == 126)
        {
            if (b.Length < 4)
            {
                return Need(errors);
            }

            length = (b[2] << 8) | b[3];
            position = 4;
            if (length <= 125)
            {
                errors.Add(FrameError.NonMinimalLength);
                return Invalid(errors);
            }
        }
        else
        {
            if (b.Length < 10)
            {
                return Need(errors);
            }

            ulong wide = 0;
            for (int i = 2; i < 10; i++)
            {
                wide = (wide << 8) | b[i];
            }

            position = 10;
            if (wide >= 1UL << 63)
            {
                errors.Add(FrameError.LengthMostSignificantBitSet);
                return Invalid(errors);
            }

            if (wide <= 0xFFFF)
            {
                errors.Add(FrameError.NonMinimalLength);
                return Invalid(errors);
            }

            length = (long)wide;
        }

        uint key = 0;
        if (masked)
        {
            if (b.Length < position + 4)
            {
                return Need(errors);
            }

            // The project's convention: the first key byte on the wire is the least significant byte.
            key = b[position] | ((uint)b[position + 1] << 8) | ((uint)b[position + 2] << 16) | ((uint)b[position + 3] << 24);
            position += 4;
        }

        if (length > maxFrameSize)
        {
            errors.Add(FrameError.FrameTooLarge);
            return Invalid(errors);
        }

        return new Result(OperationStatus.Done, errors, fin, rsv, opcode, masked, key, length, position);
    }

    private static Result Need(HashSet<FrameError> errors) => new(OperationStatus.NeedMoreData, errors, false, 0, 0, false, 0, 0, 0);

    private static Result Invalid(HashSet<FrameError> errors) => new(OperationStatus.InvalidData, errors, false, 0, 0, false, 0, 0, 0);
}

using System.Runtime.InteropServices;

namespace Shockwave.Codec;

/// <summary>
/// P/Invoke into the zlib that ships with every .NET (Core) runtime, <c>libSystem.IO.Compression.Native</c>
/// (zlib-ng since .NET 9), through the same C shim that <c>DeflateStream</c> uses. We call it ourselves because
/// <c>DeflateStream</c> can neither choose the window size (RFC 7692 §7.1.2) nor do a full flush (§7.2.1 without
/// context takeover).
/// </summary>
/// <remarks>
/// The shim's functions take a <see cref="ZStream"/>; it keeps the real <c>z_stream</c> behind
/// <see cref="ZStream.InternalState"/> and copies the four cursor fields in and out on every call, so the struct
/// itself may live anywhere. The layout and the signatures were checked by experiment (the RFC 7692 §7.2.3
/// examples come out byte for byte, see the tests), not only read from the runtime's pal_zlib.h.
/// </remarks>
internal static unsafe class ZlibNative
{
    // On Unix the runtime tries the "lib" prefix and ".so"/".dylib" suffixes itself, and it probes the shared
    // framework's directory, so one name serves Windows, Linux and macOS.
    private const string Library = "System.IO.Compression.Native";

    public const int Deflated = 8;          // Z_DEFLATED, the only method
    public const int DefaultMemLevel = 8;   // what DeflateStream and ManagedWebSocket use
    public const int DefaultStrategy = 0;   // Z_DEFAULT_STRATEGY

    public const int NoFlush = 0;           // Z_NO_FLUSH
    public const int SyncFlush = 2;         // Z_SYNC_FLUSH: byte-align and emit 00 00 FF FF (RFC 7692 §7.2.1)
    public const int FullFlush = 3;         // Z_FULL_FLUSH: the same, and forget the history

    public const int Ok = 0;                // Z_OK
    public const int StreamEnd = 1;         // Z_STREAM_END: a block with BFINAL=1 ended the stream
    public const int NeedDictionary = 2;    // Z_NEED_DICT: cannot happen in raw inflate, treated as corrupt
    public const int StreamError = -2;      // Z_STREAM_ERROR
    public const int DataError = -3;        // Z_DATA_ERROR: corrupt deflate data
    public const int MemoryError = -4;      // Z_MEM_ERROR
    public const int BufferError = -5;      // Z_BUF_ERROR: no progress was possible; not an error

    /// <summary>The shim's PAL_ZStream (pal_zlib.h): two cursors, the error message, the hidden z_stream, two counts.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public sbyte* Message;
        public void* InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    [DllImport(Library, EntryPoint = "CompressionNative_DeflateInit2_")]
    public static extern int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memLevel, int strategy);

    [DllImport(Library, EntryPoint = "CompressionNative_Deflate")]
    public static extern int Deflate(ZStream* stream, int flush);

    [DllImport(Library, EntryPoint = "CompressionNative_DeflateEnd")]
    public static extern int DeflateEnd(ZStream* stream);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    public static extern int InflateInit2(ZStream* stream, int windowBits);

    [DllImport(Library, EntryPoint = "CompressionNative_Inflate")]
    public static extern int Inflate(ZStream* stream, int flush);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    public static extern int InflateEnd(ZStream* stream);

    [DllImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    public static extern int InflateReset2(ZStream* stream, int windowBits);

    private static readonly bool s_isAvailable = Probe(out s_hasInflateReset2);

    /// <summary>
    /// Whether the library exports <c>CompressionNative_InflateReset2_</c> (the .NET 10 one does; older runtimes may
    /// not). Without it an inflater is reset by ending and initialising it again, which costs a native
    /// reallocation but no managed one. Not readonly, so that tests can take the other path.
    /// </summary>
    internal static bool s_hasInflateReset2;

    /// <summary>Whether the native library loads and exports what we call (false on .NET Framework).</summary>
    public static bool IsAvailable => s_isAvailable;

    /// <summary>Resets a raw inflater for a new deflate stream, forgetting its window.</summary>
    public static int ResetInflater(ZStream* stream, int windowBits)
    {
        if (s_hasInflateReset2)
        {
            return InflateReset2(stream, -windowBits);
        }

        InflateEnd(stream);
        *stream = default;
        return InflateInit2(stream, -windowBits);
    }

    private static bool Probe(out bool hasInflateReset2)
    {
        hasInflateReset2 = false;
        try
        {
            ZStream stream = default;
            if (InflateInit2(&stream, -PerMessageDeflateOptions.MaxWindowBits) != Ok)
            {
                return false;
            }

            try
            {
                hasInflateReset2 = InflateReset2(&stream, -PerMessageDeflateOptions.MaxWindowBits) == Ok;
            }
            catch (EntryPointNotFoundException)
            {
                hasInflateReset2 = false;
            }

            InflateEnd(&stream);
            return true;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}

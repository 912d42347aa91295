namespace Shockwave.Codec;

/// <summary>Which deflate implementation a compressor or decompressor runs on.</summary>
internal enum DeflateEngineKind : byte
{
    /// <summary>
    /// The runtime's own zlib (<c>libSystem.IO.Compression.Native</c>) through P/Invoke: every window size,
    /// full flush, reset without reallocation.
    /// </summary>
    Native = 0,

    /// <summary>
    /// <see cref="System.IO.Compression.DeflateStream"/>: for runtimes without the native library (.NET Framework).
    /// Window 15 only, and states cannot be reset, so messages without context takeover allocate.
    /// </summary>
    Managed = 1,
}

/// <summary>Chooses the engine: the native one when it loads, unless a switch asks for the managed one.</summary>
internal static class DeflateEngine
{
    /// <summary>
    /// AppContext switch that forces the <see cref="System.IO.Compression.DeflateStream"/> engine, e.g. to compare
    /// the two or to work around a broken native library.
    /// </summary>
    public const string UseManagedEngineSwitch = "Shockwave.Codec.PerMessageDeflate.UseManagedEngine";

    private static readonly DeflateEngineKind s_default = ChooseDefault();

    /// <summary>The engine new compressors, decompressors and negotiations use unless told otherwise.</summary>
    public static DeflateEngineKind Default => s_default;

    /// <summary>The largest and smallest window the engine can compress with (the managed one inflates any window).</summary>
    public static bool CanCompressWithWindowBits(DeflateEngineKind engine, int windowBits) =>
        engine == DeflateEngineKind.Native
            ? windowBits is >= PerMessageDeflateOptions.MinWindowBits and <= PerMessageDeflateOptions.MaxWindowBits
            : windowBits == PerMessageDeflateOptions.MaxWindowBits;

    private static DeflateEngineKind ChooseDefault()
    {
        if (AppContext.TryGetSwitch(UseManagedEngineSwitch, out bool managed) && managed)
        {
            return DeflateEngineKind.Managed;
        }

        return ZlibNative.IsAvailable ? DeflateEngineKind.Native : DeflateEngineKind.Managed;
    }
}

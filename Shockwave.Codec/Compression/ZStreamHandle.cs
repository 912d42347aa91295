using System.Runtime.InteropServices;

namespace Shockwave.Codec;

/// <summary>
/// Owns one native zlib stream: the <see cref="ZlibNative.ZStream"/> in unmanaged memory and the zlib state
/// behind it (about 256 KiB for deflate at window 15, memory level 8; about 7 KiB + the window for inflate). A
/// <see cref="SafeHandle"/>, so a compressor that is never disposed still frees it from the finalizer thread.
/// </summary>
internal sealed unsafe class ZStreamHandle : SafeHandle
{
    private readonly bool _isDeflate;

    private ZStreamHandle(bool isDeflate)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _isDeflate = isDeflate;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The stream the zlib calls take; valid until the handle is disposed.</summary>
    public ZlibNative.ZStream* Stream => (ZlibNative.ZStream*)handle;

    /// <summary>A raw deflater (negative window bits: no zlib header or trailer, RFC 7692 §7.2.1).</summary>
    public static ZStreamHandle CreateDeflater(int level, int windowBits)
    {
        var result = new ZStreamHandle(isDeflate: true);
        result.Allocate();
        int status = ZlibNative.DeflateInit2(
            result.Stream, level, ZlibNative.Deflated, -windowBits, ZlibNative.DefaultMemLevel, ZlibNative.DefaultStrategy);
        result.CheckInit(status);
        return result;
    }

    /// <summary>A raw inflater (negative window bits, RFC 7692 §7.2.2).</summary>
    public static ZStreamHandle CreateInflater(int windowBits)
    {
        var result = new ZStreamHandle(isDeflate: false);
        result.Allocate();
        result.CheckInit(ZlibNative.InflateInit2(result.Stream, -windowBits));
        return result;
    }

    private void Allocate()
    {
        // Zeroed, as zlib wants before *Init2_; set before the init call so a failed init is still freed.
        IntPtr memory = Marshal.AllocHGlobal(sizeof(ZlibNative.ZStream));
        *(ZlibNative.ZStream*)memory = default;
        SetHandle(memory);
    }

    private void CheckInit(int status)
    {
        if (status == ZlibNative.Ok)
        {
            return;
        }

        // The shim frees its z_stream when init fails; only our block is left.
        Marshal.FreeHGlobal(handle);
        SetHandle(IntPtr.Zero);
        SetHandleAsInvalid();
        if (status == ZlibNative.MemoryError)
        {
            throw new OutOfMemoryException("zlib could not allocate its state.");
        }

        ThrowHelper.ThrowInvalidOperation($"zlib refused to initialise (status {status}).");
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        ZlibNative.ZStream* stream = (ZlibNative.ZStream*)handle;
        if (stream->InternalState != null)
        {
            _ = _isDeflate ? ZlibNative.DeflateEnd(stream) : ZlibNative.InflateEnd(stream);
        }

        Marshal.FreeHGlobal(handle);
        return true;
    }
}

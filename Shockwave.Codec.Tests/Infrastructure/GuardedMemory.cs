using System.Runtime.InteropServices;

namespace Shockwave.Codec.Tests.Infrastructure;

/// <summary>
/// Native memory fenced by inaccessible pages on both sides (Linux and macOS, via mmap/mprotect), so a kernel that reads
/// one byte before or after its span crashes the test instead of passing silently. On other systems it is plain memory
/// with no fence, and the tests that use it still check results.
/// </summary>
internal sealed unsafe partial class GuardedMemory : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2;

    private readonly byte* _base;
    private readonly nuint _total;
    private readonly bool _mapped;

    public GuardedMemory(int capacity)
    {
        PageSize = Environment.SystemPageSize;
        int dataPages = (capacity + PageSize - 1) / PageSize + 1;
        _total = (nuint)((dataPages + 2) * PageSize);
        Capacity = dataPages * PageSize;
        _mapped = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();
        if (_mapped)
        {
            int anonymous = OperatingSystem.IsLinux() ? 0x20 : 0x1000;
            void* address = Mmap(null, _total, ProtRead | ProtWrite, MapPrivate | anonymous, -1, 0);
            if (address == (void*)-1)
            {
                throw new InvalidOperationException("mmap failed");
            }

            _base = (byte*)address;
            if (Mprotect(_base, (nuint)PageSize, ProtNone) != 0 ||
                Mprotect(_base + _total - PageSize, (nuint)PageSize, ProtNone) != 0)
            {
                throw new InvalidOperationException("mprotect failed");
            }
        }
        else
        {
            _base = (byte*)NativeMemory.Alloc(_total);
        }
    }

    public int PageSize { get; }

    /// <summary>Bytes usable between the two fences.</summary>
    public int Capacity { get; }

    /// <summary><paramref name="length"/> bytes starting right after the leading fence.</summary>
    public Span<byte> AtStart(int length) => new(_base + PageSize, length);

    /// <summary><paramref name="length"/> bytes ending right before the trailing fence.</summary>
    public Span<byte> AtEnd(int length) => new(_base + PageSize + Capacity - length, length);

    public void Dispose()
    {
        if (_mapped)
        {
            _ = Munmap(_base, _total);
        }
        else
        {
            NativeMemory.Free(_base);
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int Mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);
}

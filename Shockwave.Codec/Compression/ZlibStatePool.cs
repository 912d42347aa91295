namespace Shockwave.Codec;

/// <summary>
/// A small process-wide pool of native zlib states for endpoints without context takeover, which need a state only
/// while a message passes (RFC 7692 §7.1.1: without takeover nothing of one message is used for the next). A
/// deflater comes back after a full flush and an inflater after a reset, so neither carries anything over.
/// </summary>
/// <remarks>
/// One slot per key (window bits × level for deflate, window bits for inflate), each a locked stack of at most
/// <see cref="SlotCapacity"/> states: about as many as can be busy at once on a few cores, so that an idle server
/// holds at most a few MiB here, never one state per connection. Renting and returning allocate nothing once a
/// slot exists.
/// </remarks>
internal static class ZlibStatePool
{
    private const int LevelCount = 9;
    private const int WindowCount = PerMessageDeflateOptions.MaxWindowBits - PerMessageDeflateOptions.MinWindowBits + 1;

    /// <summary>States kept per key.</summary>
    internal static readonly int SlotCapacity = Math.Max(4, Environment.ProcessorCount);

    private static readonly Slot?[] s_deflaters = new Slot?[WindowCount * LevelCount];
    private static readonly Slot?[] s_inflaters = new Slot?[WindowCount];

    public static NativeDeflater RentDeflater(int level, int windowBits) =>
        (NativeDeflater?)GetSlot(s_deflaters, DeflaterIndex(level, windowBits)).TryPop() ?? new NativeDeflater(level, windowBits);

    public static void Return(NativeDeflater deflater)
    {
        if (!GetSlot(s_deflaters, DeflaterIndex(deflater.Level, deflater.WindowBits)).TryPush(deflater))
        {
            deflater.Dispose();
        }
    }

    public static NativeInflater RentInflater(int windowBits) =>
        (NativeInflater?)GetSlot(s_inflaters, windowBits - PerMessageDeflateOptions.MinWindowBits).TryPop() ?? new NativeInflater(windowBits);

    /// <summary>Returns an inflater that has been reset.</summary>
    public static void Return(NativeInflater inflater)
    {
        if (!GetSlot(s_inflaters, inflater.WindowBits - PerMessageDeflateOptions.MinWindowBits).TryPush(inflater))
        {
            inflater.Dispose();
        }
    }

    /// <summary>Frees every pooled state (tests and memory measurements).</summary>
    internal static void Clear()
    {
        foreach (Slot?[] slots in new[] { s_deflaters, s_inflaters })
        {
            foreach (Slot? slot in slots)
            {
                while (slot?.TryPop() is IDisposable state)
                {
                    state.Dispose();
                }
            }
        }
    }

    /// <summary>The number of states pooled now (tests).</summary>
    internal static int Count
    {
        get
        {
            int count = 0;
            foreach (Slot?[] slots in new[] { s_deflaters, s_inflaters })
            {
                foreach (Slot? slot in slots)
                {
                    count += slot?.Count ?? 0;
                }
            }

            return count;
        }
    }

    private static int DeflaterIndex(int level, int windowBits) =>
        (windowBits - PerMessageDeflateOptions.MinWindowBits) * LevelCount + (level - 1);

    private static Slot GetSlot(Slot?[] slots, int index) =>
        Volatile.Read(ref slots[index]) ?? CreateSlot(slots, index);

    private static Slot CreateSlot(Slot?[] slots, int index)
    {
        Interlocked.CompareExchange(ref slots[index], new Slot(), null);
        return slots[index]!;
    }

    private sealed class Slot
    {
        private readonly object?[] _items = new object?[SlotCapacity];
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public object? TryPop()
        {
            lock (_items)
            {
                if (_count == 0)
                {
                    return null;
                }

                object? item = _items[--_count];
                _items[_count] = null;
                return item;
            }
        }

        public bool TryPush(object item)
        {
            lock (_items)
            {
                if (_count == _items.Length)
                {
                    return false;
                }

                _items[_count++] = item;
                return true;
            }
        }
    }
}

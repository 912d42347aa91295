namespace Shockwave.Codec.Testing;

/// <summary>Exact allocation counts for the "allocates nothing" tests.</summary>
internal static class AllocationCounter
{
    /// <summary>
    /// The bytes <paramref name="run"/> allocates on this thread: the least of up to three measurements, stopping as
    /// soon as one equals <paramref name="expected"/>. <see cref="GC.GetAllocatedBytesForCurrentThread"/> can
    /// over-report but never under-report: when the runtime suspends threads (for a GC started by another test,
    /// tiering, diagnostics) it may retire this thread's allocation quantum and count its unused rest (under 8 KB).
    /// Starting from a collection, with an empty quantum, nearly always avoids that; the least of three is exact.
    /// </summary>
    /// <param name="run">The measured work, warmed up by the caller (JIT, tiering, pools, statics).</param>
    /// <param name="expected">The figure the caller expects; no further attempt is made once it is seen.</param>
    /// <param name="measured">When given, receives every measurement, for the failure message.</param>
    public static long Least(Action run, long expected = 0, List<long>? measured = null)
    {
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least != expected; attempt++)
        {
            GC.Collect();
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            measured?.Add(bytes);
            least = Math.Min(least, bytes);
        }

        return least;
    }
}

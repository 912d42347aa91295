using System.Buffers;
using Xunit;

namespace Shockwave.Codec.Tests;

/// <summary>
/// An <see cref="ArrayPool{T}"/> that wraps a real pool and records every array it hands out, so a test can prove
/// that everything rented was returned exactly once (DESIGN §2). Returning an array twice, or one this pool never
/// rented, throws at once and is also remembered in <see cref="Violations"/> (a library <c>finally</c> might
/// otherwise swallow the exception).
/// </summary>
/// <remarks>
/// The bookkeeping allocates nothing in steady state (a set that has reached its size reuses its slots), so the
/// allocation tests can run through it.
/// </remarks>
internal sealed class TrackingArrayPool : ArrayPool<byte>
{
    private readonly ArrayPool<byte> _inner;
    private readonly Lock _gate = new();
    private readonly HashSet<byte[]> _outstanding = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _violations = [];
    private long _rentCount;

    /// <summary>Creates a tracking pool over a private pool of its own, so that tests do not share arrays.</summary>
    public TrackingArrayPool()
        : this(Create(maxArrayLength: 32 * 1024 * 1024, maxArraysPerBucket: 16))
    {
    }

    public TrackingArrayPool(ArrayPool<byte> inner) => _inner = inner;

    /// <summary>Arrays rented and not yet returned.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _outstanding.Count;
            }
        }
    }

    /// <summary>How many arrays were rented in all.</summary>
    public long RentCount => Interlocked.Read(ref _rentCount);

    /// <summary>The lengths of the arrays now outstanding, for assertion messages.</summary>
    public int[] OutstandingLengths
    {
        get
        {
            lock (_gate)
            {
                return _outstanding.Select(a => a.Length).ToArray();
            }
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return _violations.ToArray();
            }
        }
    }

    public override byte[] Rent(int minimumLength)
    {
        byte[] array = _inner.Rent(minimumLength);
        if (array.Length == 0)
        {
            // Every pool hands out the one shared empty array for a zero-length rent; there is nothing to track.
            return array;
        }

        lock (_gate)
        {
            if (!_outstanding.Add(array))
            {
                _violations.Add($"the inner pool handed out an outstanding array of {array.Length} B");
            }
        }

        Interlocked.Increment(ref _rentCount);
        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_outstanding.Remove(array))
            {
                string violation = $"returned an array of {array.Length} B that is not outstanding (returned twice, or never rented here)";
                _violations.Add(violation);
                throw new InvalidOperationException(violation);
            }
        }

        _inner.Return(array, clearArray);
    }

    /// <summary>
    /// Asserts that no array is outstanding and that no return was wrong. A read ended by disposal gives its buffers
    /// back on its own thread a moment later, so outstanding arrays get a bounded grace period first.
    /// </summary>
    public void AssertAllReturned()
    {
        for (int i = 0; i < 500 && Outstanding > 0; i++)
        {
            Thread.Sleep(10);
        }

        Assert.Empty(Violations);
        Assert.True(Outstanding == 0, $"{Outstanding} rented array(s) not returned: {string.Join(", ", OutstandingLengths)} B");
    }
}

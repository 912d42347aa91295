using System.Buffers;

namespace Shockwave.Codec.Testing;

/// <summary>
/// An <see cref="ArrayPool{T}"/> that wraps a real pool and records every array it hands out, so a test can prove
/// that everything rented was returned exactly once. Returning an array twice, or one this pool never
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

    /// <summary>Creates a tracking pool over <paramref name="inner"/>, which hands out the arrays.</summary>
    public TrackingArrayPool(ArrayPool<byte> inner) => _inner = inner;

    /// <summary>
    /// Creates a tracking pool whose every rent is a new array of exactly the length asked for, and whose returns are
    /// dropped: no array is reused, so no stale bytes from an earlier rent can hide a bug, nothing depends on what ran
    /// before (the fuzz harness needs that), and a caller that trusts the array's length instead of its own shows.
    /// </summary>
    public static TrackingArrayPool WithExactArrays() => new(ExactArrays.Instance);

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
    /// Throws unless no array is outstanding and no return was wrong. A read ended by disposal gives its buffers back on
    /// its own thread a moment later, so outstanding arrays get a bounded grace period first.
    /// </summary>
    /// <exception cref="InvalidOperationException">An array is outstanding, or a return was wrong.</exception>
    public void AssertAllReturned()
    {
        for (int i = 0; i < 500 && Outstanding > 0; i++)
        {
            Thread.Sleep(10);
        }

        IReadOnlyList<string> violations = Violations;
        if (violations.Count > 0)
        {
            throw new InvalidOperationException($"Wrong returns to the pool: {string.Join("; ", violations)}");
        }

        if (Outstanding != 0)
        {
            throw new InvalidOperationException($"{Outstanding} rented array(s) not returned: {string.Join(", ", OutstandingLengths)} B");
        }
    }

    /// <summary>New arrays of the exact length asked for; returns are dropped.</summary>
    private sealed class ExactArrays : ArrayPool<byte>
    {
        public static readonly ExactArrays Instance = new();

        public override byte[] Rent(int minimumLength) => minimumLength == 0 ? [] : new byte[minimumLength];

        public override void Return(byte[] array, bool clearArray = false)
        {
        }
    }
}

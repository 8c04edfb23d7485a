using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Compliance.Detection.Hashing;

/// <summary>
/// An in-memory index of PDQ hashes for Hamming-radius queries (multi-index hashing, Norouzi et al.):
/// the 256 bits are cut into 16 bands of 16 bits. Two hashes within distance d differ in at most
/// ⌊d/16⌋ bits in some band (pigeonhole), so a query probes each band's value and its neighbours
/// within that radius, then verifies candidates with a full popcount. Radius 0-2 covers distances
/// up to 47; wider queries fall back to a scan.
/// </summary>
/// <remarks>
/// Laid out flat, because a query's cost is memory traffic, not arithmetic: the hashes are one
/// contiguous array of 32-byte rows (four ulongs, each row in one cache line), and each band's
/// postings are one int array sorted by band value with an offsets array over it (CSR), built in
/// one counting-sort pass. A query first gathers the candidate ids of all its probes, then checks
/// them in one tight loop that prefetches rows a few candidates ahead, so the cache misses of
/// about 4,000 candidates a query at 1M overlap instead of queueing. No seen-set: a match is
/// reported only from the first band in which it is within the probe radius, which the check
/// decides from the row it has just read. Hashes added after the last build sit in a tail,
/// chained per band bucket (or scanned, while short), and are folded into the CSR arrays once
/// the tail reaches a quarter of the indexed count, so bulk loads cost a few geometric rebuilds.
/// </remarks>
public sealed unsafe class MultiIndexHashTable : IDisposable
{
    private const int Bands = 16;
    private const int Buckets = 1 << 16;
    private const int Stride = Buckets + 1;
    private const int MinTailBeforeBuild = 1 << 16;
    private const int TailScanLimit = 4096;
    private const int PrefetchDistance = 16;

    private static readonly ushort[][] ProbeMasks = [Masks(0), Masks(1), Masks(2)];

    [ThreadStatic]
    private static int[]? _candidates;

    private readonly ReaderWriterLockSlim _gate = new();
    private ulong[] _store = [];
    private ulong* _rows;
    private int _capacity;
    private int _count;

    private readonly int[] _offsets = new int[Bands * Stride];
    private int[] _postings = [];
    private int _indexed;

    private readonly int[] _tailHeads = new int[Bands * Buckets];
    private int[] _tailNext = [];

    public MultiIndexHashTable(int capacity = 1024)
    {
        Array.Fill(_tailHeads, -1);
        Grow(Math.Max(capacity, 16));
    }

    public int Count => _count;

    /// <summary>Bytes held by the index's arrays (rows, postings, offsets, tail), for capacity planning.</summary>
    public long MemoryBytes => (_store.LongLength * sizeof(ulong)) + ((long)_postings.Length * sizeof(int))
        + ((long)_offsets.Length * sizeof(int)) + ((long)_tailHeads.Length * sizeof(int)) + ((long)_tailNext.Length * sizeof(int));

    public void Dispose() => _gate.Dispose();

    /// <summary>Adds a hash and returns its position, which callers use to find their own record for it.</summary>
    public int Add(PdqHash hash)
    {
        _gate.EnterWriteLock();
        try
        {
            return Append(hash);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Adds many hashes at once (positions follow on from <see cref="Count"/>) and indexes them in one build.</summary>
    public void AddRange(ReadOnlySpan<PdqHash> hashes)
    {
        _gate.EnterWriteLock();
        try
        {
            if (_count + hashes.Length > _capacity)
            {
                Grow(_count + hashes.Length);
            }

            foreach (var hash in hashes)
            {
                WriteRow(_count++, hash);
            }

            Build();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Every stored hash within <paramref name="maxDistance"/> of the query, as (position, distance).</summary>
    public List<(int Id, int Distance)> Query(PdqHash query, int maxDistance)
    {
        var results = new List<(int Id, int Distance)>();
        Query(query, maxDistance, results);
        return results;
    }

    /// <summary>As <see cref="Query(PdqHash, int)"/>, into the caller's list (cleared first), allocating nothing once warm.</summary>
    public void Query(PdqHash query, int maxDistance, List<(int Id, int Distance)> results)
    {
        results.Clear();
        var radius = maxDistance / Bands;
        if (radius > 2)
        {
            BruteForce(query, maxDistance, results);
            return;
        }

        _gate.EnterReadLock();
        try
        {
            QueryIndexed(query, maxDistance, radius, results);
            QueryTail(query, maxDistance, radius, results);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>The plain scan, for measuring the index against.</summary>
    public List<(int Id, int Distance)> BruteForce(PdqHash query, int maxDistance)
    {
        var results = new List<(int Id, int Distance)>();
        BruteForce(query, maxDistance, results);
        return results;
    }

    private void BruteForce(PdqHash query, int maxDistance, List<(int Id, int Distance)> results)
    {
        _gate.EnterReadLock();
        try
        {
            Scan(query, maxDistance, 0, _count, results);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    // Four scalar popcounts: AVX2 has no vector popcount, and the row is one cache line either way.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Distance(ulong* row, ulong q0, ulong q1, ulong q2, ulong q3) =>
        BitOperations.PopCount(row[0] ^ q0) + BitOperations.PopCount(row[1] ^ q1)
        + BitOperations.PopCount(row[2] ^ q2) + BitOperations.PopCount(row[3] ^ q3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Band(ulong* row, int band) => (int)((row[band >> 2] >> ((band & 3) * 16)) & 0xFFFF);

    /// <summary>Whether a band before <paramref name="band"/> is within the probe radius, so the row was reported there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FoundEarlier(ulong* row, PdqHash query, int band, int radius)
    {
        for (var b = 0; b < band; b++)
        {
            if (BitOperations.PopCount((uint)(Band(row, b) ^ query.Word(b))) <= radius)
            {
                return true;
            }
        }

        return false;
    }

    private void Scan(PdqHash query, int maxDistance, int from, int to, List<(int Id, int Distance)> results)
    {
        var row = _rows + ((long)from * 4);
        for (var id = from; id < to; id++, row += 4)
        {
            var distance = Distance(row, query.W0, query.W1, query.W2, query.W3);
            if (distance <= maxDistance)
            {
                results.Add((id, distance));
            }
        }
    }

    private void QueryIndexed(PdqHash query, int maxDistance, int radius, List<(int Id, int Distance)> results)
    {
        if (_indexed == 0)
        {
            return;
        }

        var masks = ProbeMasks[radius];
        Span<int> bandEnds = stackalloc int[Bands];
        var probes = Bands * masks.Length;
        Span<int> starts = probes <= 512 ? stackalloc int[probes] : new int[probes];
        Span<int> lengths = probes <= 512 ? stackalloc int[probes] : new int[probes];

        // First every probe's run in the postings, prefetching each run's start: the runs are scattered,
        // and reading them in a second pass lets their cache misses overlap instead of queueing.
        ref var postings = ref MemoryMarshal.GetArrayDataReference(_postings);
        var total = 0;
        for (var band = 0; band < Bands; band++)
        {
            var word = query.Word(band);
            var offsets = _offsets.AsSpan(band * Stride, Stride);
            for (var m = 0; m < masks.Length; m++)
            {
                var bucket = word ^ masks[m];
                var start = offsets[bucket];
                var probe = (band * masks.Length) + m;
                starts[probe] = start;
                lengths[probe] = offsets[bucket + 1] - start;
                total += lengths[probe];
                if (Sse.IsSupported)
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref postings, start)));
                }
            }
        }

        var candidates = _candidates ??= new int[4096];
        if (total > candidates.Length)
        {
            candidates = _candidates = new int[Math.Max(candidates.Length * 2, total)];
        }

        var n = 0;
        for (var band = 0; band < Bands; band++)
        {
            for (var probe = band * masks.Length; probe < (band + 1) * masks.Length; probe++)
            {
                _postings.AsSpan(starts[probe], lengths[probe]).CopyTo(candidates.AsSpan(n));
                n += lengths[probe];
            }

            bandEnds[band] = n;
        }

        ulong q0 = query.W0, q1 = query.W1, q2 = query.W2, q3 = query.W3;
        var rows = _rows;
        ref var first = ref MemoryMarshal.GetArrayDataReference(candidates);
        var currentBand = 0;
        for (var i = 0; i < n; i++)
        {
            if (Sse.IsSupported && i + PrefetchDistance < n)
            {
                Sse.Prefetch0(rows + ((long)Unsafe.Add(ref first, i + PrefetchDistance) * 4));
            }

            var id = Unsafe.Add(ref first, i);
            var row = rows + ((long)id * 4);
            var distance = Distance(row, q0, q1, q2, q3);
            if (distance <= maxDistance)
            {
                while (bandEnds[currentBand] <= i)
                {
                    currentBand++;
                }

                if (!FoundEarlier(row, query, currentBand, radius))
                {
                    results.Add((id, distance));
                }
            }
        }
    }

    private void QueryTail(PdqHash query, int maxDistance, int radius, List<(int Id, int Distance)> results)
    {
        var tail = _count - _indexed;
        if (tail <= TailScanLimit)
        {
            Scan(query, maxDistance, _indexed, _count, results);
            return;
        }

        var masks = ProbeMasks[radius];
        ulong q0 = query.W0, q1 = query.W1, q2 = query.W2, q3 = query.W3;
        for (var band = 0; band < Bands; band++)
        {
            var word = query.Word(band);
            foreach (var mask in masks)
            {
                for (var t = _tailHeads[(band * Buckets) + (word ^ mask)]; t >= 0; t = _tailNext[(t * Bands) + band])
                {
                    var id = _indexed + t;
                    var row = _rows + ((long)id * 4);
                    var distance = Distance(row, q0, q1, q2, q3);
                    if (distance <= maxDistance && !FoundEarlier(row, query, band, radius))
                    {
                        results.Add((id, distance));
                    }
                }
            }
        }
    }

    private int Append(PdqHash hash)
    {
        if (_count == _capacity)
        {
            Grow(_capacity * 2);
        }

        var id = _count++;
        WriteRow(id, hash);

        var tail = id - _indexed;
        if (tail + 1 >= Math.Max(MinTailBeforeBuild, _indexed / 4))
        {
            Build();
            return id;
        }

        if ((tail + 1) * Bands > _tailNext.Length)
        {
            Array.Resize(ref _tailNext, Math.Max(1024, _tailNext.Length * 2));
        }

        for (var band = 0; band < Bands; band++)
        {
            ref var head = ref _tailHeads[(band * Buckets) + hash.Word(band)];
            _tailNext[(tail * Bands) + band] = head;
            head = tail;
        }

        return id;
    }

    private void WriteRow(int id, PdqHash hash)
    {
        var row = _rows + ((long)id * 4);
        row[0] = hash.W0;
        row[1] = hash.W1;
        row[2] = hash.W2;
        row[3] = hash.W3;
    }

    /// <summary>Counting sort of every row into each band's postings; the tail becomes empty.</summary>
    private void Build()
    {
        if ((long)_count * Bands > _postings.Length)
        {
            _postings = []; // let the old one go before the larger one is allocated
            _postings = GC.AllocateUninitializedArray<int>(checked(_count * Bands), pinned: true); // pinned, as queries prefetch into it by address
        }

        Span<int> next = new int[Stride];
        for (var band = 0; band < Bands; band++)
        {
            var offsets = _offsets.AsSpan(band * Stride, Stride);
            offsets.Clear();
            var row = _rows;
            for (var id = 0; id < _count; id++, row += 4)
            {
                offsets[Band(row, band) + 1]++;
            }

            var baseOffset = band * _count;
            offsets[0] = baseOffset;
            for (var b = 1; b < Stride; b++)
            {
                offsets[b] += offsets[b - 1];
            }

            offsets.CopyTo(next);
            row = _rows;
            for (var id = 0; id < _count; id++, row += 4)
            {
                _postings[next[Band(row, band)]++] = id;
            }
        }

        _indexed = _count;
        Array.Fill(_tailHeads, -1);
        _tailNext = [];
    }

    /// <summary>
    /// Rows live in a pinned array so that a raw pointer (and the prefetch hints that need one) stays
    /// valid; its first row is placed on a 32-byte boundary so no row straddles two cache lines.
    /// </summary>
    private void Grow(int capacity)
    {
        var store = GC.AllocateUninitializedArray<ulong>(checked((capacity * 4) + 4), pinned: true);
        var address = (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(store));
        var rows = address + ((32 - ((long)address & 31)) & 31) / sizeof(ulong);
        if (_count > 0)
        {
            Buffer.MemoryCopy(_rows, rows, (long)capacity * 32, (long)_count * 32);
        }

        _store = store;
        _rows = rows;
        _capacity = capacity;
    }

    private static ushort[] Masks(int radius)
    {
        var masks = new List<ushort> { 0 };
        if (radius >= 1)
        {
            for (var b1 = 0; b1 < 16; b1++)
            {
                masks.Add((ushort)(1 << b1));
                if (radius >= 2)
                {
                    for (var b2 = b1 + 1; b2 < 16; b2++)
                    {
                        masks.Add((ushort)((1 << b1) | (1 << b2)));
                    }
                }
            }
        }

        return [.. masks];
    }
}

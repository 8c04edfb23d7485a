using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Compliance.Detection.Hashing;

/// <summary>
/// An in-memory index of PDQ hashes for Hamming-radius queries (multi-index hashing, Norouzi et al.):
/// the 256 bits are cut into m bands. If two hashes are within distance r = ma + b (0 ≤ b &lt; m), then
/// one of the first b+1 bands differs in at most a bits or one of the others in at most a-1 (were every
/// band over, the total would be at least r+1). So a query probes each band's value and its neighbours
/// within that band's radius, then verifies the candidates. Radii over 2 fall back to a scan.
/// </summary>
/// <remarks>
/// Two band layouts, chosen at each build by size. Up to 4M rows, 16 bands of 16 bits: at r = 31 every
/// band probes 17 buckets, about 4,150 candidates a query at 1M. From 4M rows, nine bands of 20 bits
/// and four of 19: at r = 31 six bands probe 211 buckets and seven 20 or 21, which gathers a third of
/// the candidates (14,700 instead of 41,500 at 10M) and needs postings for 13 bands instead of 16, for
/// 46 MB of offsets; at 1M its 1,400 scattered probes cost more than the candidates they save.
///
/// Laid out flat, because a query's cost is memory traffic, not arithmetic. The first and last 128
/// bits of every row sit in two blocks; each band's postings are 3-byte row ids sorted by band value
/// with an offsets array over them (CSR), built by counting sort. A query computes every probe and
/// prefetches its offsets, reads the runs (prefetched), gathers the candidates, and checks them in a
/// loop that prefetches rows far ahead so that their cache misses overlap. A random row is over 31
/// bits away in its first half but for about one in 10^8, so the second half is nearly never read and
/// the half that is read stays in cache twice as long. No seen-set: a match is reported only from the
/// first band in which it is within that band's radius, which the check decides from the row it has
/// just read. Hashes added after the last build sit in a tail, scanned while short and then chained
/// per band on the low 16 bits of the band's value, and are folded into the CSR arrays once the tail
/// reaches a quarter of the indexed count.
/// </remarks>
public sealed unsafe class MultiIndexHashTable : IDisposable
{
    /// <summary>Postings hold 3-byte row ids: an instance indexes at most this many hashes (a bank beyond it is sharded).</summary>
    public const int MaxCount = (1 << 24) - 1;

    private const int MaxBands = 16;
    private const int MaxRadius = 2;
    private const int WideFromDefault = 4 << 20;
    private const int MinTailBeforeBuild = 1 << 16;
    private const int TailScanLimit = 2048;
    private const int PrefetchDistance = 64;
    private const int ParallelBuildFrom = 1 << 20;

    private const int TailBuckets = 1 << 16;

    [ThreadStatic]
    private static QueryBuffers? _buffers;

    private readonly ReaderWriterLockSlim _gate = new();
    private NativeBlock? _loBlock;
    private NativeBlock? _hiBlock;
    private ulong* _lo;
    private ulong* _hi;
    private int _capacity;
    private int _count;

    private NativeBlock? _offsetsBlock;
    private NativeBlock? _postingsBlock;
    private int _indexed;
    private BandLayout _layout = BandLayout.Narrow;

    private int[]? _tailHeads;
    private int[] _tailNext = [];

    private readonly int _wideFrom;

    public MultiIndexHashTable(int capacity = 1024)
        : this(capacity, WideFromDefault)
    {
    }

    /// <param name="capacity">Rows to make room for at once.</param>
    /// <param name="wideFrom">From how many rows a build uses 13 wide bands instead of 16 narrow ones (lower in tests).</param>
    internal MultiIndexHashTable(int capacity, int wideFrom)
    {
        _wideFrom = wideFrom;
        Grow(Math.Clamp(capacity, 16, MaxCount));
    }

    public int Count => _count;

    /// <summary>Bytes held by the index (rows as stored, postings, offsets, tail), for capacity planning.</summary>
    public long MemoryBytes => ((long)_count * 32) + (_postingsBlock?.Bytes ?? 0) + (_offsetsBlock?.Bytes ?? 0)
        + ((long)(_tailHeads?.Length ?? 0) * sizeof(int)) + ((long)_tailNext.Length * sizeof(int));

    public void Dispose()
    {
        _gate.Dispose();
        _loBlock?.Dispose();
        _hiBlock?.Dispose();
        _offsetsBlock?.Dispose();
        _postingsBlock?.Dispose();
    }

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
            EnsureRoom(hashes.Length);
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

    /// <summary>
    /// Adds <paramref name="count"/> hashes read from a stream of 32-byte rows (the four words in the host byte order,
    /// as <see cref="WriteRows"/> writes them) straight into the index's own memory, then builds once:
    /// a bulk load holds no second copy of the rows.
    /// </summary>
    public void AddRows(Stream source, int count)
    {
        _gate.EnterWriteLock();
        try
        {
            EnsureRoom(count);
            if (_count + count > _capacity)
            {
                // Room for an eighth more, as a loaded bank goes on growing: untouched pages cost no memory.
                Grow((int)Math.Min(_count + count + ((long)count / 8), MaxCount));
            }

            Span<ulong> chunk = new ulong[4 * 8192];
            for (var done = 0; done < count;)
            {
                var rows = Math.Min(8192, count - done);
                source.ReadExactly(MemoryMarshal.AsBytes(chunk[..(rows * 4)]));
                for (var r = 0; r < rows; r++)
                {
                    WriteRow(_count++, new PdqHash(chunk[r * 4], chunk[(r * 4) + 1], chunk[(r * 4) + 2], chunk[(r * 4) + 3]));
                }

                done += rows;
            }

            Build();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Writes every stored hash as a 32-byte row, in position order, for <see cref="AddRows"/>.</summary>
    public void WriteRows(Stream target)
    {
        _gate.EnterReadLock();
        try
        {
            Span<ulong> chunk = new ulong[4 * 8192];
            for (var done = 0; done < _count;)
            {
                var rows = Math.Min(8192, _count - done);
                for (var r = 0; r < rows; r++)
                {
                    var hash = HashAt(done + r);
                    (chunk[r * 4], chunk[(r * 4) + 1], chunk[(r * 4) + 2], chunk[(r * 4) + 3]) = (hash.W0, hash.W1, hash.W2, hash.W3);
                }

                target.Write(MemoryMarshal.AsBytes(chunk[..(rows * 4)]));
                done += rows;
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>The hash stored at a position.</summary>
    public PdqHash this[int id]
    {
        get
        {
            _gate.EnterReadLock();
            try
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)_count, nameof(id));
                return HashAt(id);
            }
            finally
            {
                _gate.ExitReadLock();
            }
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
        if (maxDistance < 0)
        {
            return;
        }

        var buffers = _buffers ??= new QueryBuffers();
        _gate.EnterReadLock();
        try
        {
            var layout = _layout;
            if (maxDistance / layout.Bands > MaxRadius)
            {
                Scan(query, maxDistance, 0, _count, results);
                return;
            }

            for (var band = 0; band < layout.Bands; band++)
            {
                buffers.Radii[band] = (maxDistance / layout.Bands) - (band <= maxDistance % layout.Bands ? 0 : 1);
                buffers.Values[band] = layout.Value(query.W0, query.W1, query.W2, query.W3, band);
            }

            QueryIndexed(query, maxDistance, buffers, results);
            QueryTail(query, maxDistance, buffers, results);
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

    // Scalar popcounts: AVX2 has no vector popcount.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HalfDistance(ulong* half, ulong q0, ulong q1) =>
        BitOperations.PopCount(half[0] ^ q0) + BitOperations.PopCount(half[1] ^ q1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint RowBand(int id, int band)
    {
        var lo = _lo + ((long)id * 2);
        var hi = _hi + ((long)id * 2);
        return _layout.Value(lo[0], lo[1], hi[0], hi[1], band);
    }

    /// <summary>Whether a probed band before <paramref name="band"/> is within its radius, so the row was reported there.</summary>
    private bool FoundEarlier(int id, int band, QueryBuffers buffers)
    {
        for (var b = 0; b < band; b++)
        {
            if (buffers.Radii[b] >= 0 && BitOperations.PopCount(RowBand(id, b) ^ buffers.Values[b]) <= buffers.Radii[b])
            {
                return true;
            }
        }

        return false;
    }

    private void Scan(PdqHash query, int maxDistance, int from, int to, List<(int Id, int Distance)> results)
    {
        var lo = _lo + ((long)from * 2);
        var hi = _hi + ((long)from * 2);
        for (var id = from; id < to; id++, lo += 2, hi += 2)
        {
            var distance = HalfDistance(lo, query.W0, query.W1) + HalfDistance(hi, query.W2, query.W3);
            if (distance <= maxDistance)
            {
                results.Add((id, distance));
            }
        }
    }

    private void QueryIndexed(PdqHash query, int maxDistance, QueryBuffers buffers, List<(int Id, int Distance)> results)
    {
        if (_indexed == 0)
        {
            return;
        }

        // Every probe's place in the offsets first, prefetched, then their runs: scattered reads overlap.
        var offsets = (int*)_offsetsBlock!.Address;
        var probes = buffers.Probes;
        var bandProbeEnds = buffers.BandEnds;
        var p = 0;
        var layout = _layout;
        for (var band = 0; band < layout.Bands; band++)
        {
            if (buffers.Radii[band] >= 0)
            {
                var value = buffers.Values[band];
                var at = layout.OffsetBase[band];
                foreach (var mask in layout.Masks[band][buffers.Radii[band]])
                {
                    var slot = at + (int)(value ^ mask);
                    probes[p++] = slot;
                    if (Sse.IsSupported)
                    {
                        Sse.Prefetch0(offsets + slot);
                    }
                }
            }

            bandProbeEnds[band] = p;
        }

        var postings = _postingsBlock!.Address;
        var starts = buffers.Starts;
        var total = 0;
        for (var i = 0; i < p; i++)
        {
            var start = offsets[probes[i]];
            starts[i] = start;
            probes[i] = offsets[probes[i] + 1] - start;
            total += probes[i];
            if (Sse.IsSupported)
            {
                Sse.Prefetch0(postings + ((long)start * 3));
            }
        }

        var candidates = buffers.Candidates(total);
        var candidateBandEnds = buffers.CandidateBandEnds;
        var n = 0;
        var probe = 0;
        for (var band = 0; band < layout.Bands; band++)
        {
            for (; probe < bandProbeEnds[band]; probe++)
            {
                var run = postings + ((long)starts[probe] * 3);
                for (var k = 0; k < probes[probe]; k++, run += 3)
                {
                    candidates[n++] = (int)(Unsafe.ReadUnaligned<uint>(run) & 0xFFFFFF);
                }
            }

            candidateBandEnds[band] = n;
        }

        ulong q0 = query.W0, q1 = query.W1, q2 = query.W2, q3 = query.W3;
        var lo = _lo;
        var hi = _hi;
        ref var first = ref MemoryMarshal.GetArrayDataReference(candidates);
        var currentBand = 0;
        for (var i = 0; i < n; i++)
        {
            if (Sse.IsSupported && i + PrefetchDistance < n)
            {
                Sse.Prefetch0(lo + ((long)Unsafe.Add(ref first, i + PrefetchDistance) * 2));
            }

            var id = Unsafe.Add(ref first, i);
            var distance = HalfDistance(lo + ((long)id * 2), q0, q1);
            if (distance > maxDistance)
            {
                continue;
            }

            distance += HalfDistance(hi + ((long)id * 2), q2, q3);
            if (distance <= maxDistance)
            {
                while (candidateBandEnds[currentBand] <= i)
                {
                    currentBand++;
                }

                if (!FoundEarlier(id, currentBand, buffers))
                {
                    results.Add((id, distance));
                }
            }
        }
    }

    private void QueryTail(PdqHash query, int maxDistance, QueryBuffers buffers, List<(int Id, int Distance)> results)
    {
        var tail = _count - _indexed;
        if (tail <= TailScanLimit)
        {
            Scan(query, maxDistance, _indexed, _count, results);
            return;
        }

        var bands = _layout.Bands;
        for (var band = 0; band < bands; band++)
        {
            if (buffers.Radii[band] < 0)
            {
                continue;
            }

            var value = buffers.Values[band];
            foreach (var mask in _layout.Masks[band][buffers.Radii[band]])
            {
                var probe = value ^ mask;
                for (var t = _tailHeads![(band * TailBuckets) + (int)(probe & (TailBuckets - 1))]; t >= 0; t = _tailNext[(t * bands) + band])
                {
                    // A chain holds every band value with the same low 16 bits: only the probed value counts here.
                    var id = _indexed + t;
                    if (bands != MaxBands && RowBand(id, band) != probe)
                    {
                        continue;
                    }

                    var distance = HalfDistance(_lo + ((long)id * 2), query.W0, query.W1) + HalfDistance(_hi + ((long)id * 2), query.W2, query.W3);
                    if (distance <= maxDistance && !FoundEarlier(id, band, buffers))
                    {
                        results.Add((id, distance));
                    }
                }
            }
        }
    }

    private int Append(PdqHash hash)
    {
        EnsureRoom(1);
        if (_count == _capacity)
        {
            // Doubling while small; by a quarter once large, where a doubling would reserve hundreds of MB.
            Grow((int)Math.Min(_capacity < (1 << 20) ? (long)_capacity * 2 : _capacity + (_capacity / 4), MaxCount));
        }

        var id = _count++;
        WriteRow(id, hash);

        var tail = id - _indexed;
        if (tail + 1 >= Math.Max(MinTailBeforeBuild, _indexed / 4))
        {
            Build();
            return id;
        }

        // The tail is scanned while short; past that its rows are chained per band bucket, from the first one.
        if (tail + 1 > TailScanLimit)
        {
            if (_tailHeads is null)
            {
                _tailHeads = new int[_layout.Bands * TailBuckets];
                Array.Fill(_tailHeads, -1);
                for (var earlier = 0; earlier < tail; earlier++)
                {
                    Chain(earlier);
                }
            }

            Chain(tail);
        }

        return id;
    }

    private void Chain(int tail)
    {
        var bands = _layout.Bands;
        if ((tail + 1) * bands > _tailNext.Length)
        {
            Array.Resize(ref _tailNext, Math.Max(1024, _tailNext.Length * 2));
        }

        for (var band = 0; band < bands; band++)
        {
            ref var head = ref _tailHeads![(band * TailBuckets) + (int)(RowBand(_indexed + tail, band) & (TailBuckets - 1))];
            _tailNext[(tail * bands) + band] = head;
            head = tail;
        }
    }

    private void EnsureRoom(int adding)
    {
        if ((long)_count + adding > MaxCount)
        {
            throw new InvalidOperationException($"One index holds at most {MaxCount:N0} hashes; a larger bank is sharded across instances.");
        }
    }

    private PdqHash HashAt(int id)
    {
        var lo = _lo + ((long)id * 2);
        var hi = _hi + ((long)id * 2);
        return new PdqHash(lo[0], lo[1], hi[0], hi[1]);
    }

    private void WriteRow(int id, PdqHash hash)
    {
        _lo[(long)id * 2] = hash.W0;
        _lo[((long)id * 2) + 1] = hash.W1;
        _hi[(long)id * 2] = hash.W2;
        _hi[((long)id * 2) + 1] = hash.W3;
    }

    /// <summary>Counting sort of every row into each band's postings; the tail becomes empty.</summary>
    private void Build()
    {
        var layout = _count >= _wideFrom ? BandLayout.Wide : BandLayout.Narrow;
        if (layout != _layout)
        {
            _offsetsBlock?.Dispose();
            _offsetsBlock = null;
            _layout = layout;
        }

        var bytes = ((long)_count * layout.Bands * 3) + sizeof(uint); // the last id is read as a uint
        if (_postingsBlock is null || _postingsBlock.Bytes < bytes)
        {
            _postingsBlock?.Dispose(); // let the old one go before the larger one is allocated
            _postingsBlock = new NativeBlock(bytes);
        }

        _offsetsBlock ??= new NativeBlock((long)layout.OffsetCount * sizeof(int));
        if (_count >= ParallelBuildFrom)
        {
            Parallel.For(0, layout.Bands, BuildBand);
        }
        else
        {
            for (var band = 0; band < layout.Bands; band++)
            {
                BuildBand(band);
            }
        }

        _indexed = _count;
        _tailHeads = null;
        _tailNext = [];
    }

    private void BuildBand(int band)
    {
        // Reads only the one or two words the band lies in, through raw pointers: the build is two
        // passes over every row for each of 13 or 16 bands, so it is memory traffic that counts.
        var width = _layout.Widths[band];
        var buckets = 1 << width;
        var start = _layout.Start(band);
        var shift = start & 63;
        var mask = (1UL << width) - 1;
        var word = start >> 6;
        var first = (word < 2 ? _lo : _hi) + (word & 1);
        var spill = shift + width > 64;
        var second = (word + 1 < 2 ? _lo : _hi) + ((word + 1) & 1);
        uint Value(long id) => (uint)(((first[id * 2] >> shift) | (spill ? second[id * 2] << (64 - shift) : 0)) & mask);

        var offsets = (int*)_offsetsBlock!.Address + _layout.OffsetBase[band];
        new Span<int>(offsets, buckets + 1).Clear();
        for (long id = 0; id < _count; id++)
        {
            offsets[Value(id) + 1]++;
        }

        offsets[0] = band * _count;
        for (var b = 1; b <= buckets; b++)
        {
            offsets[b] += offsets[b - 1];
        }

        var next = GC.AllocateUninitializedArray<int>(buckets);
        new Span<int>(offsets, buckets).CopyTo(next);
        var postings = _postingsBlock!.Address;
        for (long id = 0; id < _count; id++)
        {
            var at = postings + ((long)next[Value(id)]++ * 3);
            at[0] = (byte)id;
            at[1] = (byte)(id >> 8);
            at[2] = (byte)(id >> 16);
        }
    }

    /// <summary>
    /// The first and last 128 bits of every row sit in two blocks, so that a candidate's first check
    /// reads half the memory; rows are 16-byte aligned so that no half straddles two cache lines.
    /// </summary>
    private void Grow(int capacity)
    {
        var lo = new NativeBlock((long)capacity * 16);
        var hi = new NativeBlock((long)capacity * 16);
        if (_count > 0)
        {
            Buffer.MemoryCopy(_lo, lo.Address, lo.Bytes, (long)_count * 16);
            Buffer.MemoryCopy(_hi, hi.Address, hi.Bytes, (long)_count * 16);
        }

        _loBlock?.Dispose();
        _hiBlock?.Dispose();
        (_loBlock, _hiBlock) = (lo, hi);
        _lo = (ulong*)lo.Address;
        _hi = (ulong*)hi.Address;
        _capacity = capacity;
    }

    /// <summary>Per-thread scratch space, so that a warm query allocates nothing.</summary>
    private sealed class QueryBuffers
    {
        private static readonly int MaxProbes = Math.Max(BandLayout.Narrow.MaxProbes, BandLayout.Wide.MaxProbes);

        private int[] _candidates = new int[4096];

        public int[] Radii { get; } = new int[MaxBands];

        public uint[] Values { get; } = new uint[MaxBands];

        public int[] Probes { get; } = new int[MaxProbes];

        public int[] Starts { get; } = new int[MaxProbes];

        public int[] BandEnds { get; } = new int[MaxBands];

        public int[] CandidateBandEnds { get; } = new int[MaxBands];

        public int[] Candidates(int count)
        {
            if (count > _candidates.Length)
            {
                _candidates = new int[Math.Max(_candidates.Length * 2, count)];
            }

            return _candidates;
        }
    }

    /// <summary>How the 256 bits are cut into bands, with each band's place in the offsets and its probe masks by radius.</summary>
    private sealed class BandLayout
    {
        /// <summary>Sixteen bands of 16 bits: at radius 31 every band probes 17 buckets.</summary>
        public static readonly BandLayout Narrow = new([.. Enumerable.Repeat(16, 16)]);

        /// <summary>Nine bands of 20 bits and four of 19: at radius 31, six probe 211 buckets and seven probe 20 or 21.</summary>
        public static readonly BandLayout Wide = new([20, 20, 20, 20, 20, 20, 20, 20, 20, 19, 19, 19, 19]);

        private readonly int[] _starts;

        private BandLayout(int[] widths)
        {
            Widths = widths;
            Bands = widths.Length;
            _starts = [.. widths.Select((_, band) => widths.Take(band).Sum())];
            OffsetBase = [.. widths.Select((_, band) => widths.Take(band).Sum(w => (1 << w) + 1))];
            OffsetCount = widths.Sum(w => (1 << w) + 1);
            Masks = [.. widths.Select(width => Enumerable.Range(0, MaxRadius + 1).Select(radius => ProbeMasks(width, radius)).ToArray())];
            MaxProbes = Masks.Sum(m => m[MaxRadius].Length);
        }

        public int Bands { get; }

        public int[] Widths { get; }

        /// <summary>The band's first bit.</summary>
        public int Start(int band) => _starts[band];

        public int[] OffsetBase { get; }

        public int OffsetCount { get; }

        public int MaxProbes { get; }

        /// <summary>By band, then radius: the values to XOR with the query's band value.</summary>
        public uint[][][] Masks { get; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Value(ulong w0, ulong w1, ulong w2, ulong w3, int band)
        {
            var start = _starts[band];
            var shift = start & 63;
            var word = start >> 6;
            var value = Word(w0, w1, w2, w3, word) >> shift;
            if (shift + Widths[band] > 64)
            {
                value |= Word(w0, w1, w2, w3, word + 1) << (64 - shift);
            }

            return (uint)(value & ((1UL << Widths[band]) - 1));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Word(ulong w0, ulong w1, ulong w2, ulong w3, int word) => word switch { 0 => w0, 1 => w1, 2 => w2, _ => w3 };

        private static uint[] ProbeMasks(int width, int radius)
        {
            var masks = new List<uint> { 0 };
            for (var b1 = 0; b1 < width && radius >= 1; b1++)
            {
                masks.Add(1u << b1);
                for (var b2 = b1 + 1; b2 < width && radius >= 2; b2++)
                {
                    masks.Add((1u << b1) | (1u << b2));
                }
            }

            return [.. masks];
        }
    }
}

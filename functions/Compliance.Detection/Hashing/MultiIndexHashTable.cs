namespace Compliance.Detection.Hashing;

/// <summary>
/// An in-memory index of PDQ hashes for Hamming-radius queries (multi-index hashing, Norouzi et al.):
/// the 256 bits are cut into 16 words of 16 bits, each with its own table. Two hashes within
/// distance d differ in at most ⌊d/16⌋ bits in some word (pigeonhole), so a query probes each
/// word's value and its neighbours within that radius, then verifies candidates with a full popcount.
/// Radius 0-2 covers distances up to 47; wider queries fall back to a scan.
/// </summary>
public sealed class MultiIndexHashTable : IDisposable
{
    private const int Words = 16;
    private const int Buckets = 1 << 16;

    // Per word, per 16-bit value: the ids stored there, contiguous, so a probe reads one short run of memory.
    private readonly int[][][] _buckets = Enumerable.Range(0, Words).Select(_ => new int[Buckets][]).ToArray();
    private readonly int[][] _bucketCounts = Enumerable.Range(0, Words).Select(_ => new int[Buckets]).ToArray();
    private readonly ReaderWriterLockSlim _gate = new();
    private PdqHash[] _hashes = new PdqHash[1024];
    private int _count;

    public int Count => _count;

    public void Dispose() => _gate.Dispose();

    /// <summary>Adds a hash and returns its position, which callers use to find their own record for it.</summary>
    public int Add(PdqHash hash)
    {
        _gate.EnterWriteLock();
        try
        {
            var id = _count;
            if (id == _hashes.Length)
            {
                Array.Resize(ref _hashes, id * 2);
            }

            _hashes[id] = hash;
            for (var w = 0; w < Words; w++)
            {
                var bucket = hash.Word(w);
                ref var ids = ref _buckets[w][bucket];
                var count = _bucketCounts[w][bucket];
                if (ids is null || count == ids.Length)
                {
                    Array.Resize(ref ids, Math.Max(4, count * 2));
                }

                ids[count] = id;
                _bucketCounts[w][bucket] = count + 1;
            }

            _count++;
            return id;
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Every stored hash within <paramref name="maxDistance"/> of the query, as (position, distance).</summary>
    public List<(int Id, int Distance)> Query(PdqHash query, int maxDistance)
    {
        var radius = maxDistance / Words;
        if (radius > 2)
        {
            return BruteForce(query, maxDistance);
        }

        var results = new List<(int, int)>();
        _gate.EnterReadLock();
        try
        {
            var seen = new Seen(_count);
            for (var w = 0; w < Words; w++)
            {
                var word = query.Word(w);
                Probe(w, word, query, maxDistance, seen, results);
                if (radius >= 1)
                {
                    for (var b1 = 0; b1 < 16; b1++)
                    {
                        var once = (ushort)(word ^ (1 << b1));
                        Probe(w, once, query, maxDistance, seen, results);
                        if (radius >= 2)
                        {
                            for (var b2 = b1 + 1; b2 < 16; b2++)
                            {
                                Probe(w, (ushort)(once ^ (1 << b2)), query, maxDistance, seen, results);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }

        return results;
    }

    /// <summary>The plain scan, for measuring the index against.</summary>
    public List<(int Id, int Distance)> BruteForce(PdqHash query, int maxDistance)
    {
        var results = new List<(int, int)>();
        _gate.EnterReadLock();
        try
        {
            for (var id = 0; id < _count; id++)
            {
                var distance = query.DistanceTo(_hashes[id]);
                if (distance <= maxDistance)
                {
                    results.Add((id, distance));
                }
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }

        return results;
    }

    private void Probe(int word, ushort bucket, PdqHash query, int maxDistance, Seen seen, List<(int, int)> results)
    {
        var ids = _buckets[word][bucket];
        var count = _bucketCounts[word][bucket];
        for (var i = 0; i < count; i++)
        {
            var id = ids![i];
            if (seen.Add(id))
            {
                var distance = query.DistanceTo(_hashes[id]);
                if (distance <= maxDistance)
                {
                    results.Add((id, distance));
                }
            }
        }
    }

    /// <summary>
    /// Which candidates a query has verified already: a per-thread array of query stamps, reused
    /// across queries, so deduplication costs one array write instead of a hash-set insert.
    /// </summary>
    private readonly struct Seen
    {
        [ThreadStatic]
        private static int[]? _stamps;

        [ThreadStatic]
        private static int _stamp;

        private readonly int[] _marks;
        private readonly int _current;

        public Seen(int count)
        {
            if (_stamps is null || _stamps.Length < count)
            {
                _stamps = new int[Math.Max(count, 1024) * 2];
                _stamp = 0;
            }

            _marks = _stamps;
            _current = ++_stamp;
        }

        public bool Add(int id)
        {
            if (_marks[id] == _current)
            {
                return false;
            }

            _marks[id] = _current;
            return true;
        }
    }
}

using Compliance.Detection.Hashing;

namespace Compliance.Detection.Tests;

public sealed class HashIndexTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(15, false)]
    [InlineData(31, false)]
    [InlineData(40, false)]
    [InlineData(64, false)]
    [InlineData(0, true)]
    [InlineData(31, true)]
    [InlineData(38, true)]
    [InlineData(39, true)]
    public void The_multi_index_finds_exactly_what_a_scan_finds(int maxDistance, bool wide)
    {
        var random = new Random(7);
        using var index = Index(wide);
        var query = Random(random);
        index.AddRange(Enumerable.Range(0, 20_000).Select(_ => Random(random)).ToArray());

        // Plant near neighbours at every distance up to 40 so the radius matters.
        for (var d = 0; d <= 40; d++)
        {
            index.Add(Flip(query, d, random));
        }

        var expected = index.BruteForce(query, maxDistance).OrderBy(r => r.Id).ToList();
        var actual = index.Query(query, maxDistance).OrderBy(r => r.Id).ToList();

        Assert.Equal(expected, actual);
        Assert.Equal(Math.Min(maxDistance, 40) + 1, actual.Count(r => r.Id >= 20_000));
    }

    /// <summary>
    /// Neighbours planted in all three places a hash can sit: the built postings (a bulk add), hashes
    /// folded in by a rebuild when the tail outgrew its limit, and the chained tail added since.
    /// </summary>
    [Theory]
    [InlineData(15, false)]
    [InlineData(31, false)]
    [InlineData(47, false)]
    [InlineData(15, true)]
    [InlineData(31, true)]
    public void Built_postings_and_the_tail_find_exactly_what_a_scan_finds(int maxDistance, bool wide)
    {
        var random = new Random(11);
        using var index = Index(wide);
        var query = Random(random);
        var bulk = Enumerable.Range(0, 10_000).Select(_ => Random(random)).ToArray();
        for (var d = 0; d <= 48; d++)
        {
            bulk[d * 200] = Flip(query, d, random);
        }

        index.AddRange(bulk);
        for (var i = 0; i < 90_000; i++)
        {
            // The 65,536th add after the bulk one folds the tail into the postings; later adds stay chained.
            index.Add(i % 1800 == 0 ? Flip(query, i / 1800 % 32, random) : Random(random));
        }

        var expected = index.BruteForce(query, maxDistance).OrderBy(r => r.Id).ToList();
        var actual = index.Query(query, maxDistance).OrderBy(r => r.Id).ToList();

        Assert.Equal(expected, actual);
        Assert.Equal(100_000, index.Count);
        Assert.Equal(maxDistance + 1, actual.Count(r => r.Id < 10_000)); // one per distance up to the radius in the bulk add
        Assert.Contains(actual, r => r.Id is >= 10_000 and < 75_536);
        Assert.Contains(actual, r => r.Id >= 75_536);
    }

    /// <summary>
    /// Each distance splits the bands into some probed one bit wider than the rest (31 = every band at
    /// radius 1; 40 = nine bands at radius 2, seven at 1): neighbours whose differences are spread
    /// evenly over the bands sit exactly on that edge, and must all be found, once each.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_distance_the_index_answers_finds_exactly_what_a_scan_finds_with_differences_spread_over_the_bands(bool wide)
    {
        var random = new Random(5);
        using var index = Index(wide);
        var query = Random(random);
        var bulk = Enumerable.Range(0, 70_000).Select(_ => Random(random)).ToList();
        for (var d = 0; d <= 48; d++)
        {
            bulk[d * 1000] = Spread(query, d, random);
        }

        index.AddRange(bulk.ToArray());
        for (var d = 0; d <= 48; d++)
        {
            index.Add(Spread(query, d, random)); // the tail, scanned while short
        }

        for (var maxDistance = 0; maxDistance <= 48; maxDistance++)
        {
            var expected = index.BruteForce(query, maxDistance).OrderBy(r => r.Id).ToList();
            var actual = index.Query(query, maxDistance).OrderBy(r => r.Id).ToList();
            Assert.Equal(expected, actual);
            Assert.Equal(2 * (maxDistance + 1), actual.Count(r => r.Distance <= maxDistance && (r.Id >= 70_000 || r.Id % 1000 == 0)));
        }
    }

    /// <summary>The narrow layout (16 bands of 16 bits), or the wide one (13 of 19-20 bits) that large banks build, from the first build.</summary>
    private static MultiIndexHashTable Index(bool wide) => wide ? new MultiIndexHashTable(1024, wideFrom: 1) : new MultiIndexHashTable();

    internal static PdqHash Random(Random random) => new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

    /// <summary>Flips <paramref name="bits"/> bits dealt round the 16 bands in turn, each at a random place in its band.</summary>
    private static PdqHash Spread(PdqHash hash, int bits, Random random)
    {
        Span<bool> set = stackalloc bool[256];
        for (var k = 0; k < 256; k++)
        {
            set[k] = hash[k];
        }

        var band = random.Next(16);
        for (var flipped = 0; flipped < bits; band = (band + 1) % 16)
        {
            var k = (band * 16) + random.Next(16);
            if (set[k] == hash[k])
            {
                set[k] = !set[k];
                flipped++;
            }
        }

        return PdqHash.FromBits(set);
    }

    private static PdqHash Flip(PdqHash hash, int bits, Random random)
    {
        Span<bool> set = stackalloc bool[256];
        for (var k = 0; k < 256; k++)
        {
            set[k] = hash[k];
        }

        foreach (var k in Enumerable.Range(0, 256).OrderBy(_ => random.Next()).Take(bits))
        {
            set[k] = !set[k];
        }

        return PdqHash.FromBits(set);
    }
}

using Compliance.Detection.Hashing;

namespace Compliance.Detection.Tests;

public sealed class HashIndexTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(31)]
    [InlineData(40)]
    [InlineData(64)]
    public void The_multi_index_finds_exactly_what_a_scan_finds(int maxDistance)
    {
        var random = new Random(7);
        using var index = new MultiIndexHashTable();
        var query = Random(random);
        for (var i = 0; i < 20_000; i++)
        {
            index.Add(Random(random));
        }

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

    internal static PdqHash Random(Random random) => new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

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

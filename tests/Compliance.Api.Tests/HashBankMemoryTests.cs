using Compliance.Detection.Hashing;
using Compliance.Infrastructure.Media;
using Compliance.Media;

namespace Compliance.Api.Tests;

/// <summary>The bank's in-memory layout and its snapshot, without storage: pure logic over a memory stream.</summary>
public sealed class HashBankMemoryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero);

    private readonly Random _random = new(23);

    [Fact]
    public void Transforms_that_arrive_after_other_items_are_found_and_survive_a_snapshot()
    {
        var a = Item("med-a", null);
        var b = Item("med-0123456789abcdef01234567", null); // the pipeline's own form of media id, kept packed
        var frames = Enumerable.Range(0, 2).SelectMany(second => Item("med-v", second)).ToArray();
        using var bank = new HashBankMemory();
        Assert.True(bank.Add(a[..3]));
        Assert.True(bank.Add(b));
        Assert.True(bank.Add([.. a[3..], .. frames]));
        Assert.False(bank.Add(a)); // every transform already held

        using var stream = new MemoryStream();
        bank.WriteSnapshot(stream, At);
        stream.Position = 0;
        var (loaded, loadedUpTo) = HashBankMemory.ReadSnapshot(stream)!.Value;
        using var _ = loaded;

        Assert.Equal(At, loadedUpTo);
        Assert.Equal(8 * 4, loaded.Count);
        Assert.Equal(b[3], loaded.Lookup([Parse(b[3].Pdq)], [], 0, 1, _ => true)[0].Entry);
        foreach (var copy in new[] { bank, loaded })
        {
            foreach (var entry in a.Concat(b).Concat(frames))
            {
                var match = Assert.Single(copy.Lookup([Parse(entry.Pdq)], [], 0, 20, _ => true));
                Assert.Equal((entry, 0), (match.Entry, match.Distance));
            }

            Assert.Equal(a[0], copy.Find(a[0].EntryId));
            Assert.Equal(frames[0], copy.Find(frames[0].ItemId));
            Assert.Null(copy.Find("hb-00000000000000000000"));
            var video = Assert.Single(copy.LookupVideo([Parse(frames[9].Pdq), null], 31, _ => true));
            Assert.Equal((frames[9], 1, 2, 1, 2), (video.Video, video.QueryFramesMatched, video.QueryFrames, video.BankedFramesMatched, video.BankedFrames));
        }
    }

    [Fact]
    public void An_item_answers_once_by_its_closest_transform_and_matches_are_closest_first_up_to_the_limit()
    {
        var items = Enumerable.Range(0, 5).Select(i => Item($"med-{i}", null)).ToArray();
        using var bank = new HashBankMemory();
        bank.Add(items.SelectMany(i => i));
        var query = Parse(items[2][5].Pdq);

        var near = bank.Lookup([query, Flip(Parse(items[4][1].Pdq), 7)], [], 31, 20, _ => true);
        var limited = bank.Lookup([query, Flip(Parse(items[4][1].Pdq), 7)], [], 31, 1, _ => true);
        var excluded = bank.Lookup([query], [], 31, 20, e => e.MediaId != "med-2");

        Assert.Equal([(items[2][5], 0), (items[4][1], 7)], near.Select(m => (m.Entry, m.Distance)));
        Assert.Equal([(items[2][5], 0)], limited.Select(m => (m.Entry, m.Distance)));
        Assert.Empty(excluded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(100)]
    [InlineData(-33)]
    public void A_snapshot_with_any_byte_changed_or_cut_short_is_refused(int at)
    {
        using var bank = new HashBankMemory();
        bank.Add(Item("med-a", null));
        using var stream = new MemoryStream();
        bank.WriteSnapshot(stream, At);
        var bytes = stream.ToArray();
        var position = at >= 0 ? at : bytes.Length + at;
        var changed = bytes.ToArray();
        changed[position] ^= 0x10;

        Assert.Null(HashBankMemory.ReadSnapshot(new MemoryStream(changed)));
        Assert.Null(HashBankMemory.ReadSnapshot(new MemoryStream(bytes[..position])));
        Assert.NotNull(HashBankMemory.ReadSnapshot(new MemoryStream(bytes)));
    }

    private HashBankEntry[] Item(string mediaId, int? frame) =>
        [.. Enumerable.Range(0, 8).Select(transform => new HashBankEntry(Random().ToHex(), 80, "ord-1", "prov-1", mediaId, frame, At)
        {
            Transform = (DihedralTransform)transform,
            LegalBasis = "KR-ICNA-44-7",
        })];

    private static PdqHash Parse(string hex) => PdqHash.TryParse(hex, out var hash) ? hash : throw new FormatException(hex);

    private PdqHash Random() => new((ulong)_random.NextInt64(), (ulong)_random.NextInt64(), (ulong)_random.NextInt64(), (ulong)_random.NextInt64());

    private static PdqHash Flip(PdqHash hash, int bits) => new(hash.W0 ^ ((1UL << bits) - 1), hash.W1, hash.W2, hash.W3);
}

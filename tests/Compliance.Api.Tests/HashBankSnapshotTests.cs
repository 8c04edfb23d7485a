using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Compliance.Detection.Hashing;
using Compliance.Infrastructure.Media;
using Compliance.Infrastructure.Storage;
using Compliance.Media;

namespace Compliance.Api.Tests;

/// <summary>
/// A new instance loads the bank from the snapshot blob plus the table rows added since, and answers
/// exactly as one that read the whole table; a snapshot that does not check out is ignored. On Azurite,
/// with the real table and blob clients.
/// </summary>
public sealed class HashBankSnapshotTests
{
    private static readonly DateTimeOffset Yesterday = DateTimeOffset.UtcNow.AddDays(-1);

    private readonly StorageOptions _options = new() { TablePrefix = "snap" + Guid.NewGuid().ToString("N")[..8] };
    private readonly Random _random = new(17);

    private ComplianceTables Tables => new(new TableServiceClient(ComplianceHost.StorageConnection), _options);

    private HashBankSnapshots Snapshots => new(new BlobServiceClient(ComplianceHost.StorageConnection), _options);

    [Fact]
    public async Task A_new_instance_loads_the_snapshot_and_the_rows_added_since_and_answers_as_one_that_read_the_table()
    {
        var (image, video, withdrawn, exact) = await BankAsync();
        using (var writer = new TableHashBank(Tables, TimeProvider.System, Snapshots))
        {
            await writer.DisableOrderAsync(withdrawn[0].OrderId, CancellationToken.None);
            await writer.SaveSnapshotAsync(CancellationToken.None);
        }

        // Banked after the snapshot, by another instance: only the table has it.
        var later = Item("ord-later", "med-later", null, DateTimeOffset.UtcNow);
        using (var other = new TableHashBank(Tables, TimeProvider.System))
        {
            await other.AddAsync(later, CancellationToken.None);
        }

        using var loaded = new TableHashBank(Tables, TimeProvider.System, Snapshots);
        using var scanned = new TableHashBank(Tables, TimeProvider.System);
        var flipped = await LookupAsync(loaded, image[4].Pdq);

        Assert.True(loaded.LoadedFromSnapshot);
        Assert.False(scanned.LoadedFromSnapshot);
        var match = Assert.Single(flipped);
        Assert.Equal((image[4], 0), (match.Entry, match.Distance));
        Assert.Equal(DihedralTransform.FlipX, match.Entry.Transform);
        Assert.Equal(later[6], Assert.Single(await LookupAsync(loaded, later[6].Pdq)).Entry);
        Assert.Empty(await LookupAsync(loaded, withdrawn[0].Pdq));
        Assert.Equal(exact, Assert.Single(await loaded.LookupAsync(new BankQuery([], [exact.Md5!], 31, 20, null), CancellationToken.None)).Entry);
        Assert.Equal(image[0], await loaded.FindAsync(image[0].EntryId, CancellationToken.None));
        Assert.Equal(video[0], await loaded.FindAsync(video[0].ItemId, CancellationToken.None));
        var seen = Assert.Single(await loaded.LookupVideoAsync(new VideoBankQuery([video[0].Pdq, video[8].Pdq, new string('f', 64)], 31, null), CancellationToken.None));
        Assert.Equal((video[0], 2, 3, 2, 3), (seen.Video, seen.QueryFramesMatched, seen.QueryFrames, seen.BankedFramesMatched, seen.BankedFrames));

        foreach (var entry in image.Concat(video).Concat(later).Concat(withdrawn))
        {
            Assert.Equal(await LookupAsync(scanned, entry.Pdq), await LookupAsync(loaded, entry.Pdq));
        }

        // An image, three video frames, the withdrawn item (held, not matched) and the later one: eight transforms each.
        Assert.Equal(6 * 8, loaded.Count);
        Assert.Equal(6 * 8, scanned.Count);
    }

    [Theory]
    [InlineData("flipped byte")]
    [InlineData("truncated")]
    [InlineData("not a snapshot")]
    public async Task A_snapshot_that_does_not_check_out_is_ignored_and_the_table_is_read(string damage)
    {
        var (image, _, _, _) = await BankAsync();
        using (var writer = new TableHashBank(Tables, TimeProvider.System, Snapshots))
        {
            await writer.SaveSnapshotAsync(CancellationToken.None);
        }

        var blob = new BlobServiceClient(ComplianceHost.StorageConnection).GetBlobContainerClient(HashBankSnapshots.DefaultContainer).GetBlobClient($"{_options.TablePrefix}bank.snapshot");
        var bytes = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        bytes = damage switch
        {
            "flipped byte" => [.. bytes[..(bytes.Length / 2)], (byte)(bytes[bytes.Length / 2] ^ 1), .. bytes[((bytes.Length / 2) + 1)..]],
            "truncated" => bytes[..(bytes.Length - 40)],
            _ => "not a snapshot at all"u8.ToArray(),
        };
        await blob.UploadAsync(new BinaryData(bytes), overwrite: true);

        using var loaded = new TableHashBank(Tables, TimeProvider.System, Snapshots);
        var found = await LookupAsync(loaded, image[2].Pdq);

        Assert.False(loaded.LoadedFromSnapshot);
        Assert.Equal(image[2], Assert.Single(found).Entry);
        Assert.Equal(5 * 8, loaded.Count);
    }

    [Fact]
    public async Task Without_a_snapshot_a_new_instance_reads_the_table()
    {
        var (image, _, _, _) = await BankAsync();

        using var loaded = new TableHashBank(Tables, TimeProvider.System, Snapshots);

        Assert.Equal(image[7], Assert.Single(await LookupAsync(loaded, image[7].Pdq)).Entry);
        Assert.False(loaded.LoadedFromSnapshot);
    }

    private static async Task<IReadOnlyList<HashBankMatch>> LookupAsync(TableHashBank bank, string pdq) =>
        await bank.LookupAsync(new BankQuery([pdq], [], 31, 20, null), CancellationToken.None);

    /// <summary>Banks an image, a three-second video, an item of an order then withdrawn, and a victim's MD5, all yesterday.</summary>
    private async Task<(HashBankEntry[] Image, HashBankEntry[] Video, HashBankEntry[] Withdrawn, HashBankEntry Exact)> BankAsync()
    {
        var image = Item("ord-a", "med-image", null, Yesterday);
        var video = Enumerable.Range(0, 3).SelectMany(second => Item("ord-a", "med-video", second, Yesterday)).ToArray();
        var withdrawn = Item("ord-withdrawn", "med-withdrawn", null, Yesterday);
        var exact = new HashBankEntry(string.Empty, null, "case-1", "support-1", "case-item-1", null, Yesterday)
        {
            Md5 = "0123456789abcdef0123456789abcdef",
            Bank = BankNames.VictimRequests,
            CaseId = "case-1",
        };
        using var bank = new TableHashBank(Tables, TimeProvider.System);
        await bank.AddAsync([.. image, .. video, .. withdrawn, exact], CancellationToken.None);
        return (image, video, withdrawn, exact);
    }

    private HashBankEntry[] Item(string orderId, string mediaId, int? frame, DateTimeOffset addedAt) =>
        [.. Enumerable.Range(0, 8).Select(transform => new HashBankEntry(Random().ToHex(), 90, orderId, "prov-1", mediaId, frame, addedAt)
        {
            Transform = (DihedralTransform)transform,
            LegalBasis = "KR-ICNA-44-7",
        })];

    private PdqHash Random() => new((ulong)_random.NextInt64(), (ulong)_random.NextInt64(), (ulong)_random.NextInt64(), (ulong)_random.NextInt64());
}

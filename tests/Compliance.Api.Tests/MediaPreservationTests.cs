using Azure.Storage.Blobs;
using Compliance.Application;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests;

/// <summary>Media is deleted after the regime's preservation period; its hashes stay in the bank.</summary>
public sealed class MediaPreservationTests
{
    [Fact]
    public async Task After_the_preservation_period_the_blob_is_deleted_and_only_the_hash_remains()
    {
        await using var host = await ComplianceHost.StartAsync(true, null, "--LocalHost:BlobPollMilliseconds", "200");
        var provider = await host.RegisterProviderAsync();
        var order = (await host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString()!;
        var ticket = await host.PostAsync($"/api/v1/orders/{order}/media", host.Commission, null);
        var media = ticket.Str("mediaId");
        await new BlobClient(new Uri(ticket.Str("uploadUrl"))).UploadAsync(BinaryData.FromBytes(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "pdq", "images", "moon.png"))));
        Reply record;
        var attempts = 0;
        do
        {
            await Task.Delay(200);
            record = await host.GetAsync($"/api/v1/orders/{order}/media/{media}", host.Regulator);
        }
        while (record.Str("status") == "pending" && ++attempts < 100);

        Assert.Equal("analysed", record.Str("status"));
        var preserveUntil = record.Json.GetProperty("preserveUntil").GetDateTimeOffset();
        // TCO Art. 6: six calendar months from the upload.
        Assert.Equal(record.Json.GetProperty("createdAt").GetDateTimeOffset().AddMonths(6), preserveUntil);
        var purge = host.Services.GetRequiredService<MediaService>();

        Assert.Equal(0, await purge.PurgeExpiredAsync(CancellationToken.None));
        host.FakeClock.Advance(preserveUntil - host.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await purge.PurgeExpiredAsync(CancellationToken.None));

        var blob = new BlobServiceClient(ComplianceHost.StorageConnection).GetBlobContainerClient(host.TablePrefix + "-incoming").GetBlobClient($"{order}/{media}");
        Assert.False(await blob.ExistsAsync());
        var purged = await host.GetAsync($"/api/v1/orders/{order}/media/{media}", host.Regulator);
        Assert.True(purged.Json.GetProperty("purged").GetBoolean());
        var bank = await host.PostAsync("/api/v1/hashbank/lookup", host.Regulator, new { pdq = "131645cde366d981e1e371b264d8b25b9e4d13771d8c4f366d946ca57133d0c9", maxDistance = 0 }, idempotencyKey: null);
        Assert.Equal(order, bank.Json.GetProperty("matches")[0].GetProperty("orderId").GetString());
    }
}

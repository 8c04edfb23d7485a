using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Compliance.Application;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests;

public sealed class AuditExportTests
{
    [Fact]
    public async Task A_day_of_history_is_exported_once_as_ndjson_with_its_sha256()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var order = (await host.IssueAsync(provider)).GetProperty("orderId").GetString();
        await host.PostAsync($"/api/v1/orders/{order}/acknowledgement", host.Provider(provider), null);
        var exporter = host.Services.GetRequiredService<AuditLogExporter>();
        var day = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime);

        Assert.True(await exporter.ExportDayAsync(day, CancellationToken.None));
        Assert.False(await exporter.ExportDayAsync(day, CancellationToken.None));

        var container = new BlobServiceClient(ComplianceHost.StorageConnection).GetBlobContainerClient(host.TablePrefix + "-audit");
        var name = $"order-history-{day:yyyy-MM-dd}.ndjson";
        var content = (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
        var lines = System.Text.Encoding.UTF8.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["issued", "acknowledged"], lines.Select(l => l.GetProperty("type").GetString()));
        Assert.All(lines, l => Assert.Equal(order, l.GetProperty("orderId").GetString()));
        Assert.Equal(lines[0].GetProperty("hash").GetString(), lines[1].GetProperty("previousHash").GetString());
        var checksum = (await container.GetBlobClient(name + ".sha256").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(content))}  {name}\n", checksum);
    }

    [Fact]
    public async Task Days_the_timer_missed_are_exported_by_its_next_run()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var first = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime);
        var order = (await host.IssueAsync(provider)).GetProperty("orderId").GetString();
        host.FakeClock.Advance(TimeSpan.FromDays(1));
        await host.PostAsync($"/api/v1/orders/{order}/acknowledgement", host.Provider(provider), null);
        var exporter = host.Services.GetRequiredService<AuditLogExporter>();

        // The timer did not run for three days; the first run afterwards exports each of them once.
        host.FakeClock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(AuditLogExporter.CatchUpDays, await exporter.ExportMissingDaysAsync(CancellationToken.None));
        Assert.Equal(0, await exporter.ExportMissingDaysAsync(CancellationToken.None));

        var container = new BlobServiceClient(ComplianceHost.StorageConnection).GetBlobContainerClient(host.TablePrefix + "-audit");
        async Task<List<string?>> TypesOn(DateOnly day)
        {
            var content = (await container.GetBlobClient($"order-history-{day:yyyy-MM-dd}.ndjson").DownloadContentAsync()).Value.Content.ToString();
            return content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        }

        Assert.Equal(["issued"], await TypesOn(first));
        Assert.Equal(["acknowledged"], await TypesOn(first.AddDays(1)));
        Assert.Empty(await TypesOn(first.AddDays(2)));
        Assert.True((await container.GetBlobClient($"order-history-{first.AddDays(1):yyyy-MM-dd}.ndjson.sha256").ExistsAsync()).Value);
        Assert.False((await container.GetBlobClient($"order-history-{first.AddDays(3):yyyy-MM-dd}.ndjson").ExistsAsync()).Value);
    }
}

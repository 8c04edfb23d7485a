using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Compliance.Infrastructure.Media;
using Compliance.Infrastructure.Storage;

namespace Compliance.Api.Tests;

/// <summary>
/// In Azure every table and container comes from Bicep and the app's roles are scoped to each of
/// them, so a create call would be refused: with ProvisionedByDeployment the app never makes one.
/// </summary>
public sealed class ProvisionedStorageTests
{
    [Fact]
    public async Task Tables_are_not_created_when_the_deployment_provisions_them()
    {
        var service = new TableServiceClient(ComplianceHost.StorageConnection);
        var prefix = "prov" + Guid.NewGuid().ToString("N")[..8];

        var provisioned = await new ComplianceTables(service, new StorageOptions { TablePrefix = prefix, ProvisionedByDeployment = true }).GetAsync(TableNames.Orders, CancellationToken.None);
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => provisioned.AddEntityAsync(new TableEntity("p", "r")));
        Assert.Equal(404, missing.Status);
        Assert.Equal("TableNotFound", missing.ErrorCode);
        Assert.Empty(await Tables(service, prefix));

        // Locally (no deployment) the same call creates the table on first use.
        await new ComplianceTables(service, new StorageOptions { TablePrefix = prefix }).GetAsync(TableNames.Orders, CancellationToken.None);
        Assert.Equal([prefix + TableNames.Orders], await Tables(service, prefix));
    }

    [Fact]
    public async Task The_audit_archive_does_not_create_its_container_when_the_deployment_provisions_it()
    {
        var service = new BlobServiceClient(ComplianceHost.StorageConnection);
        var name = "audit-" + Guid.NewGuid().ToString("N")[..8];

        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => new BlobAuditArchive(service, name, createContainer: false).TryWriteAsync("checkpoint", [1], CancellationToken.None));
        Assert.Equal("ContainerNotFound", refused.ErrorCode);
        Assert.False(await service.GetBlobContainerClient(name).ExistsAsync());

        Assert.True(await new BlobAuditArchive(service, name).TryWriteAsync("checkpoint", [1], CancellationToken.None));
        Assert.Equal([1], await new BlobAuditArchive(service, name, createContainer: false).ReadAsync("checkpoint", CancellationToken.None));
    }

    private static async Task<List<string>> Tables(TableServiceClient service, string prefix)
    {
        var names = new List<string>();
        await foreach (var table in service.QueryAsync(t => t.Name.CompareTo(prefix) >= 0 && t.Name.CompareTo(prefix + "~") < 0))
        {
            names.Add(table.Name);
        }

        return names;
    }
}

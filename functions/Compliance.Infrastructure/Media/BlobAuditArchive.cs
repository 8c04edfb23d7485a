using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Compliance.Application;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The audit container: writes only if the blob does not exist (If-None-Match: *). In Azure the
/// container also has a time-based immutability policy, so not even the app can change an export.
/// </summary>
public sealed class BlobAuditArchive(BlobServiceClient service, string containerName) : IAuditArchive
{
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        var blob = service.GetBlobContainerClient(containerName).GetBlobClient(name);
        try
        {
            return await blob.ExistsAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false; // the container itself is not there yet
        }
    }

    public async Task<bool> TryWriteAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var container = service.GetBlobContainerClient(containerName);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            await container.GetBlobClient(name).UploadAsync(
                new BinaryData(content),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }
}

using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Compliance.Application;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The audit container: writes only if the blob does not exist (If-None-Match: *). In Azure the
/// container also has a time-based immutability policy, so not even the app can change an export.
/// </summary>
/// <param name="createContainer">False where the deployment created the container and the app's role, scoped to it, could not.</param>
public sealed class BlobAuditArchive(BlobServiceClient service, string containerName, bool createContainer = true) : IAuditArchive
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
        if (createContainer)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

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

    public async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await service.GetBlobContainerClient(containerName).GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            // Every version (Azure's WORM account keeps them): a name listed twice was written over.
            await foreach (var blob in service.GetBlobContainerClient(containerName).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.Version, prefix, cancellationToken))
            {
                names.Add(blob.Name);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing archived.
        }

        return names;
    }
}

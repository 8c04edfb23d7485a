using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Compliance.Infrastructure.Storage;
using Compliance.Media;
using Compliance.Orders;

namespace Compliance.Infrastructure.Media;

/// <summary>
/// The media containers. Upload URLs are write-only SAS for one blob: signed with the account key
/// locally (Azurite), and as user-delegation SAS in Azure, where shared keys are disabled.
/// </summary>
public sealed class BlobMediaStorage(BlobServiceClient service, MediaContainers containers, StorageOptions options, TimeProvider time) : IMediaBlobs
{
    private readonly SetupStep _created = new(() => options.ProvisionedByDeployment ? Task.CompletedTask : Task.WhenAll(
        service.GetBlobContainerClient(containers.Incoming).CreateIfNotExistsAsync(),
        service.GetBlobContainerClient(containers.Quarantine).CreateIfNotExistsAsync()));

    public async Task<Uri> CreateUploadUrlAsync(string orderId, string mediaId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        var blob = service.GetBlobContainerClient(containers.Incoming).GetBlobClient($"{orderId}/{mediaId}");
        // Create only: a Put Blob to a name that already exists is refused (403), so the analysed
        // evidence cannot be replaced by a second PUT with the same URL.
        var sas = new BlobSasBuilder(BlobSasPermissions.Create, expiresAt)
        {
            BlobContainerName = containers.Incoming,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = time.GetUtcNow().AddMinutes(-1),
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        var key = await service.GetUserDelegationKeyAsync(sas.StartsOn, expiresAt, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key.Value, service.AccountName) }.ToUri();
    }

    public async Task QuarantineAsync(string orderId, string mediaId, RejectionReason reason, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        var source = service.GetBlobContainerClient(containers.Incoming).GetBlobClient($"{orderId}/{mediaId}");
        var target = service.GetBlobContainerClient(containers.Quarantine).GetBlobClient($"{orderId}/{mediaId}");
        try
        {
            await using var content = await source.OpenReadAsync(cancellationToken: cancellationToken);
            // If-None-Match: * — the first quarantined original is kept; a later blob under the same
            // name (a re-upload after the rejection) can never replace it.
            await target.UploadAsync(content, new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["reason"] = OrderText.Snake(reason.ToString()) }, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409)
        {
            // 404: already moved by an earlier attempt; 409: the quarantine already holds the original.
        }

        await source.DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    public async Task DeleteAsync(string orderId, string mediaId, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        await service.GetBlobContainerClient(containers.Incoming).GetBlobClient($"{orderId}/{mediaId}").DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await service.GetBlobContainerClient(containers.Quarantine).GetBlobClient($"{orderId}/{mediaId}").DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }
}

/// <summary>
/// Container names, from the settings MediaIncomingContainer and MediaQuarantineContainer (the blob
/// trigger's path names the first as %MediaIncomingContainer%).
/// </summary>
public sealed record MediaContainers(string Incoming = "media-incoming", string Quarantine = "media-quarantine");

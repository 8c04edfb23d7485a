using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// Builds storage clients from one connection setting, in either of the Functions conventions:
/// a connection string (Azurite, <c>UseDevelopmentStorage=true</c>) or identity-based
/// <c>__tableServiceUri</c> / <c>__blobServiceUri</c> with an optional user-assigned <c>__clientId</c>.
/// </summary>
public sealed record StorageConnection(string? ConnectionString, Uri? TableServiceUri, Uri? BlobServiceUri, string? ClientId)
{
    public TableServiceClient CreateTableServiceClient() =>
        ConnectionString is not null ? new TableServiceClient(ConnectionString)
        : TableServiceUri is not null ? new TableServiceClient(TableServiceUri, Credential())
        : throw Missing("tableServiceUri");

    public BlobServiceClient CreateBlobServiceClient() =>
        ConnectionString is not null ? new BlobServiceClient(ConnectionString)
        : BlobServiceUri is not null ? new BlobServiceClient(BlobServiceUri, Credential())
        : throw Missing("blobServiceUri");

    private TokenCredential Credential() =>
        ClientId is null ? new DefaultAzureCredential() : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId));

    private static InvalidOperationException Missing(string what) =>
        new($"The storage connection has neither a connection string nor a {what}.");
}

using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Compliance.Infrastructure.Storage;

public sealed record DependencyState(string Name, bool Healthy, string Detail);

/// <summary>Cheap reachability checks of the storage services, for the health endpoint.</summary>
public sealed class StorageHealth(TableServiceClient tables, BlobServiceClient blobs)
{
    public async Task<IReadOnlyList<DependencyState>> CheckAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(
            Probe("tables", async () =>
            {
                await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
                {
                    break;
                }
            }),
            Probe("blobs", async () =>
            {
                await foreach (var _ in blobs.GetBlobContainersAsync(cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
                {
                    break;
                }
            }));

    private static async Task<DependencyState> Probe(string name, Func<Task> check)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await check().WaitAsync(timeout.Token);
            return new DependencyState(name, true, "reachable");
        }
        catch (Exception e) when (e is RequestFailedException or TimeoutException or OperationCanceledException or HttpRequestException or AggregateException)
        {
            // The exception type is enough to diagnose; its message can echo account URLs.
            return new DependencyState(name, false, e.GetType().Name);
        }
    }
}

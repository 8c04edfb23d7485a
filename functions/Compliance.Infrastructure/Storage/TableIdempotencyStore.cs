using Azure;
using Azure.Data.Tables;
using Compliance.Application;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// One row per caller scope and key. A row is created "pending" by the first request (insert wins
/// or loses atomically), completed with the response, or deleted if the request failed on our side.
/// A pending row whose lease ran out (its request died) may be taken over by a retry.
/// </summary>
public sealed class TableIdempotencyStore(ComplianceTables tables, StorageOptions options, TimeProvider time) : IIdempotencyStore
{
    private const string Pending = "pending";
    private const string Complete = "complete";

    public async Task<IdempotencyStart> BeginAsync(string scope, string key, string requestFingerprint, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Idempotency, cancellationToken);
        var (partition, row) = (Escape(scope), Escape(key));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var claim = new TableEntity(partition, row) { ["State"] = Pending, ["Fingerprint"] = requestFingerprint, ["StartedAt"] = time.GetUtcNow() };
            try
            {
                var added = await table.AddEntityAsync(claim, cancellationToken);
                return new IdempotencyStart.Started(new IdempotencyLease(partition, row, added.Headers.ETag!.Value.ToString()));
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
            }

            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                continue; // released in between; try to claim it again
            }

            var record = existing.Value!;
            var startedAt = record.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue;
            var expired = time.GetUtcNow() - startedAt > (record.GetString("State") == Complete ? options.IdempotencyRetention : options.IdempotencyLease);
            if (!expired && record.GetString("Fingerprint") != requestFingerprint)
            {
                return new IdempotencyStart.KeyReusedWithOtherRequest();
            }

            if (!expired && record.GetString("State") == Complete)
            {
                return new IdempotencyStart.Replay(new StoredResponse(
                    record.GetInt32("StatusCode") ?? 500,
                    record.GetString("ContentType"),
                    LongText.Read(record, "Body"),
                    record.GetString("Location"),
                    record.GetString("ResponseETag")));
            }

            if (!expired)
            {
                return new IdempotencyStart.StillInProgress();
            }

            try
            {
                var taken = await table.UpdateEntityAsync(claim, record.ETag, TableUpdateMode.Replace, cancellationToken);
                return new IdempotencyStart.Started(new IdempotencyLease(partition, row, taken.Headers.ETag!.Value.ToString()));
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                return new IdempotencyStart.StillInProgress();
            }
        }

        return new IdempotencyStart.StillInProgress();
    }

    public async Task CompleteAsync(IdempotencyLease lease, StoredResponse response, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Idempotency, cancellationToken);
        var current = await table.GetEntityAsync<TableEntity>(lease.Scope, lease.Key, cancellationToken: cancellationToken);
        var done = new TableEntity(lease.Scope, lease.Key)
        {
            ["State"] = Complete,
            ["Fingerprint"] = current.Value.GetString("Fingerprint"),
            ["StartedAt"] = current.Value.GetDateTimeOffset("StartedAt"),
            ["StatusCode"] = response.StatusCode,
            ["ContentType"] = response.ContentType,
        };
        if (response.Location is not null)
        {
            done["Location"] = response.Location;
        }

        if (response.ETag is not null)
        {
            done["ResponseETag"] = response.ETag;
        }

        LongText.Write(done, "Body", response.Body);
        try
        {
            await table.UpdateEntityAsync(done, new ETag(lease.Token), TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            // Our lease ran out and a retry took the key over; its outcome will be the recorded one.
        }
    }

    public async Task ReleaseAsync(IdempotencyLease lease, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Idempotency, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(lease.Scope, lease.Key, new ETag(lease.Token), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
        }
    }

    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Idempotency, cancellationToken);
        var cutoff = time.GetUtcNow() - options.IdempotencyRetention - options.IdempotencyLease;
        var purged = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"StartedAt lt {cutoff}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                // Matching the row as read: a key claimed again in between keeps its new record.
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                purged++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
            }
        }

        return purged;
    }

    // Keys may hold characters that table keys forbid (/ \ # ?); percent-encoding keeps them distinct.
    private static string Escape(string value) => Uri.EscapeDataString(value);
}

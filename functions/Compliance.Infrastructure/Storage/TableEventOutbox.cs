using Azure;
using Azure.Data.Tables;
using Compliance.Application;
using Compliance.Events;
using Compliance.Media;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// Outbox rows live beside the order they belong to (so they commit with it); pending ones are
/// found by their row-key prefix in each provider's partition and deleted once published.
/// </summary>
public sealed class TableEventOutbox(ComplianceTables tables, TimeProvider? clock = null) : IEventOutbox
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const string ParkedPrefix = "parked|";
    private const string ParkedKind = "parked";

    /// <summary>
    /// Reads each provider's partition by its outbox row-key range, so the cost follows the number
    /// of providers and pending events, not the number of orders and history rows stored.
    /// </summary>
    public Task<IReadOnlyList<PendingEvent>> PendingAsync(int max, CancellationToken cancellationToken) => ReadAsync(OrderEntities.OutboxPrefix, max, cancellationToken);

    private async Task<IReadOnlyList<PendingEvent>> ReadAsync(string prefix, int max, CancellationToken cancellationToken)
    {
        var pending = new List<PendingEvent>();
        await foreach (var row in tables.InProviderPartitionsAsync(prefix, cancellationToken))
        {
            pending.Add(ToPending(row));
            if (pending.Count >= max)
            {
                break;
            }
        }

        return pending;
    }

    public async Task RecordFailureAsync(PendingEvent failed, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        var update = new TableEntity(failed.ProviderId, failed.OutboxKey) { ["Attempts"] = failed.Attempts + 1 };
        try
        {
            await table.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Published and marked by a concurrent relay.
        }
    }

    public async Task ParkAsync(PendingEvent failed, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        var row = (await table.GetEntityIfExistsAsync<TableEntity>(failed.ProviderId, failed.OutboxKey, cancellationToken: cancellationToken));
        if (!row.HasValue)
        {
            return;
        }

        var parked = new TableEntity(row.Value!) { RowKey = ParkedPrefix + failed.OutboxKey[OrderEntities.OutboxPrefix.Length..], ["Kind"] = ParkedKind, ["Attempts"] = failed.Attempts + 1 };
        await table.UpsertEntityAsync(parked, TableUpdateMode.Replace, cancellationToken);
        await MarkSentAsync(failed, cancellationToken);
    }

    public Task<IReadOnlyList<PendingEvent>> ParkedAsync(int max, CancellationToken cancellationToken) => ReadAsync(ParkedPrefix, max, cancellationToken);

    private static PendingEvent ToPending(TableEntity row) => new(
        row.GetString("MessageId"),
        row.PartitionKey,
        row.GetString("OrderId"),
        row.GetInt32("Sequence") ?? 0,
        row.GetString("Type"),
        LongText.Read(row, "Body"),
        row.RowKey,
        row.GetInt32("Attempts") ?? 0,

        // Rows written before the column existed: their last write is the best estimate.
        row.GetDateTimeOffset("EnqueuedAt") ?? row.Timestamp);

    public async Task EnqueueAsync(MediaRecord record, CancellationToken cancellationToken)
    {
        var message = MediaEventMessage.Of(record);

        // Sequence: after the order's own events in the same relay batch.
        var row = OrderEntities.ToOutboxEntity(record.ProviderId, message.Id, int.MaxValue, message, _clock.GetUtcNow());
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task MarkSentAsync(PendingEvent sent, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.Orders, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(sent.ProviderId, sent.OutboxKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Marked by a concurrent relay already.
        }
    }
}

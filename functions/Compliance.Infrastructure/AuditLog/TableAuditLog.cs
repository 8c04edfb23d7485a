using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Compliance.AuditLog;
using Compliance.Infrastructure.Storage;

namespace Compliance.Infrastructure.AuditLog;

/// <summary>
/// The log in one partition of its own table: "leaf|{index}" rows, a "src|{order}|{entry}" row per
/// leaf naming its place (so a leaf is never appended twice), and a "head" row holding the size,
/// all written in one transaction guarded by the head's ETag: of two sequencers, one wins and the
/// other finds the leaves placed. Pending leaves are the "audit" rows the order changes wrote.
/// </summary>
public sealed class TableAuditLog(ComplianceTables tables) : IAuditLog
{
    private const string Partition = "log";
    private const string Head = "head";
    private const string Checkpoint = "checkpoint";
    private const int LeavesPerTransaction = 49; // two rows each, plus the head: within Azure's 100

    public async Task<IReadOnlyList<PendingLeaf>> PendingAsync(CancellationToken cancellationToken)
    {
        var orders = await tables.GetAsync(TableNames.Orders, cancellationToken);
        var pending = new List<PendingLeaf>();
        await foreach (var row in orders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Kind eq {OrderEntities.AuditKind} and Sequenced eq {false}"), cancellationToken: cancellationToken))
        {
            pending.Add(new PendingLeaf(
                new AuditLeaf(row.PartitionKey, row.GetString("OrderId"), row.GetInt32("Sequence") ?? 0, row.GetString("EntryHash"), row.GetString("StateHash")),
                row.GetDateTimeOffset("At") ?? default));
        }

        return pending;
    }

    public async Task<long> AppendAsync(IReadOnlyList<PendingLeaf> leaves, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        long size = 0;
        foreach (var chunk in leaves.Chunk(LeavesPerTransaction))
        {
            for (var attempt = 0; ; attempt++)
            {
                var head = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Head, cancellationToken: cancellationToken);
                size = head.HasValue ? head.Value!.GetInt64("Size") ?? 0 : 0;
                var fresh = new List<PendingLeaf>();
                foreach (var leaf in chunk)
                {
                    if (!(await table.GetEntityIfExistsAsync<TableEntity>(Partition, SourceKey(leaf.Leaf), ["RowKey"], cancellationToken)).HasValue)
                    {
                        fresh.Add(leaf);
                    }
                }

                if (fresh.Count == 0)
                {
                    break;
                }

                var actions = new List<TableTransactionAction>();
                var index = size;
                foreach (var leaf in fresh)
                {
                    actions.Add(new(TableTransactionActionType.Add, LeafEntity(index, leaf.Leaf)));
                    actions.Add(new(TableTransactionActionType.Add, new TableEntity(Partition, SourceKey(leaf.Leaf)) { ["Index"] = index }));
                    index++;
                }

                var newHead = new TableEntity(Partition, Head) { ["Size"] = index };
                actions.Add(head.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, newHead, head.Value!.ETag)
                    : new(TableTransactionActionType.Add, newHead));
                try
                {
                    await ComplianceTables.SubmitAsync(table, actions, cancellationToken);
                    size = index;
                    break;
                }
                catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 5)
                {
                    // Another sequencer moved the head: look again at what is still unplaced.
                }
            }

            await MarkSequencedAsync(chunk, cancellationToken);
        }

        return size;
    }

    public async Task<IReadOnlyList<LoggedLeaf>> LeavesAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        var leaves = new List<LoggedLeaf>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {"leaf|"} and RowKey lt {"leaf|~"}"), cancellationToken: cancellationToken))
        {
            leaves.Add(new LoggedLeaf(
                row.GetInt64("Index") ?? 0,
                new AuditLeaf(row.GetString("ProviderId"), row.GetString("OrderId"), row.GetInt32("Sequence") ?? 0, row.GetString("EntryHash"), row.GetString("StateHash")),
                row.GetString("LeafHash")));
        }

        return leaves;
    }

    public async Task<SignedCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Checkpoint, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } e
            ? new SignedCheckpoint(e.GetInt64("TreeSize") ?? 0, e.GetString("RootHash"), e.GetDateTimeOffset("SignedAt") ?? default, e.GetString("KeyId"), e.GetString("Signature"))
            : null;
    }

    /// <summary>Replaces the latest checkpoint only with a larger one, so a slow sequencer cannot move it back.</summary>
    public async Task SaveCheckpointAsync(SignedCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        var entity = new TableEntity(Partition, Checkpoint)
        {
            ["TreeSize"] = checkpoint.TreeSize,
            ["RootHash"] = checkpoint.RootHash,
            ["SignedAt"] = checkpoint.Timestamp,
            ["KeyId"] = checkpoint.KeyId,
            ["Signature"] = checkpoint.Signature,
        };
        var current = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Checkpoint, cancellationToken: cancellationToken);
        try
        {
            if (!current.HasValue)
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            else if ((current.Value!.GetInt64("TreeSize") ?? 0) < checkpoint.TreeSize)
            {
                await table.UpdateEntityAsync(entity, current.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another sequencer saved one at the same moment; the next run settles on the larger.
        }
    }

    private async Task MarkSequencedAsync(IEnumerable<PendingLeaf> leaves, CancellationToken cancellationToken)
    {
        var orders = await tables.GetAsync(TableNames.Orders, cancellationToken);
        foreach (var leaf in leaves)
        {
            var row = new TableEntity(leaf.Leaf.ProviderId, $"{leaf.Leaf.OrderId}|a|{leaf.Leaf.Sequence:D6}") { ["Sequenced"] = true };
            await orders.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
    }

    private static string SourceKey(AuditLeaf leaf) => $"src|{leaf.OrderId}|{leaf.Sequence.ToString("D6", CultureInfo.InvariantCulture)}";

    private static TableEntity LeafEntity(long index, AuditLeaf leaf) => new(Partition, $"leaf|{index.ToString("D12", CultureInfo.InvariantCulture)}")
    {
        ["Index"] = index,
        ["ProviderId"] = leaf.ProviderId,
        ["OrderId"] = leaf.OrderId,
        ["Sequence"] = leaf.Sequence,
        ["EntryHash"] = leaf.EntryHash,
        ["StateHash"] = leaf.StateHash,
        ["LeafHash"] = Convert.ToHexStringLower(leaf.LeafHash()),
    };
}

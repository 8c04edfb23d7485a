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
/// other finds the leaves placed. Pending leaves are the "audit-pending" rows the order changes
/// wrote in each provider's partition. Complete subtrees are kept as "node|{level}|{index}" rows,
/// with a "nodes" row saying up to which size they are complete, so roots and proofs read O(log n).
/// </summary>
public sealed class TableAuditLog(ComplianceTables tables) : IAuditLog
{
    private const string Partition = "log";
    private const string Head = "head";
    private const string NodesHead = "nodes";
    private const string Checkpoint = "checkpoint";
    private const int LeavesPerTransaction = 49; // two rows each, plus the head: within Azure's 100

    /// <summary>Leaves whose subtrees are stored per round, so a long backlog is built in bounded memory.</summary>
    private const int NodeBatchLeaves = 4096;

    public async Task<IReadOnlyList<PendingLeaf>> PendingAsync(CancellationToken cancellationToken)
    {
        var pending = new List<PendingLeaf>();
        await foreach (var row in tables.InProviderPartitionsAsync(OrderEntities.PendingLeafPrefix, cancellationToken))
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
            leaves.Add(ToLoggedLeaf(row));
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

    /// <summary>The log holds these leaves now: their pending rows go (a racing sequencer may have removed them first).</summary>
    private async Task MarkSequencedAsync(IEnumerable<PendingLeaf> leaves, CancellationToken cancellationToken)
    {
        var orders = await tables.GetAsync(TableNames.Orders, cancellationToken);
        foreach (var leaf in leaves)
        {
            try
            {
                await orders.DeleteEntityAsync(leaf.Leaf.ProviderId, OrderEntities.PendingLeafKey(leaf.Leaf.OrderId, leaf.Leaf.Sequence), ETag.All, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
        }
    }

    public async Task<LoggedLeaf?> FindAsync(string orderId, int sequence, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        var source = await table.GetEntityIfExistsAsync<TableEntity>(Partition, SourceKey(orderId, sequence), cancellationToken: cancellationToken);
        if (!source.HasValue || source.Value!.GetInt64("Index") is not { } index)
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, LeafKey(index), cancellationToken: cancellationToken);
        var leaf = row.HasValue ? ToLoggedLeaf(row.Value!) : null;

        // A pointer edited to another order's leaf must not hand out that order's proof.
        return leaf is not null && leaf.Leaf.OrderId == orderId && leaf.Leaf.Sequence == sequence && leaf.Index == index ? leaf : null;
    }

    public async Task<long> TreeSizeAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        return await SizeAsync(table, NodesHead, cancellationToken);
    }

    public async Task<long> CompleteNodesAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        var logSize = await SizeAsync(table, Head, cancellationToken);
        var done = await table.GetEntityIfExistsAsync<TableEntity>(Partition, NodesHead, cancellationToken: cancellationToken);
        var from = done.HasValue ? done.Value!.GetInt64("Size") ?? 0 : 0;
        var etag = done.HasValue ? done.Value!.ETag : (ETag?)null;
        while (from < logSize)
        {
            var to = Math.Min(logSize, from + NodeBatchLeaves);
            var oldSize = from;
            var needed = MerkleNodes.Needed(node => MerkleNodes.Extend(oldSize, to, node));
            var known = await NodesAsync(needed, cancellationToken);
            var added = MerkleNodes.Extend(from, to, node => known[node]);
            foreach (var chunk in added.Chunk(ComplianceTables.MaxBatchOperations))
            {
                // Nodes follow from the leaves: a racing sequencer writes the same values.
                await ComplianceTables.SubmitAsync(table, chunk.Select(n => new TableTransactionAction(TableTransactionActionType.UpsertReplace, NodeEntity(n.Node, n.Hash))).ToList(), cancellationToken);
            }

            var head = new TableEntity(Partition, NodesHead) { ["Size"] = to };
            try
            {
                etag = etag is { } current
                    ? (await table.UpdateEntityAsync(head, current, TableUpdateMode.Replace, cancellationToken)).Headers.ETag
                    : (await table.AddEntityAsync(head, cancellationToken)).Headers.ETag;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another sequencer moved it; carry on from wherever it got to.
                return await CompleteNodesAsync(cancellationToken);
            }

            from = to;
        }

        return from;
    }

    public async Task<IReadOnlyDictionary<MerkleNode, byte[]>> NodesAsync(IReadOnlySet<MerkleNode> nodes, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        var found = new Dictionary<MerkleNode, byte[]>();

        // An extension needs every new leaf: those come as one key range. A proof needs a few scattered
        // ones, read by key like the other nodes, so it never reads the leaves between them.
        var leaves = nodes.Where(n => n.Level == 0).Select(n => n.Index).ToList();
        var contiguous = leaves.Count > 0 && leaves.Max() - leaves.Min() < 2L * leaves.Count;
        if (contiguous)
        {
            var (first, last) = (leaves.Min(), leaves.Max());
            var wanted = leaves.ToHashSet();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {LeafKey(first)} and RowKey le {LeafKey(last)}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["Index", "LeafHash"], cancellationToken: cancellationToken))
            {
                if (row.GetInt64("Index") is { } index && wanted.Contains(index))
                {
                    found[new MerkleNode(0, index)] = Convert.FromHexString(row.GetString("LeafHash"));
                }
            }
        }

        var byKey = await Task.WhenAll(nodes.Where(n => n.Level > 0 || !contiguous).Select(async node => node.Level == 0
            ? (node, row: await table.GetEntityIfExistsAsync<TableEntity>(Partition, LeafKey(node.Index), ["LeafHash"], cancellationToken), column: "LeafHash")
            : (node, row: await table.GetEntityIfExistsAsync<TableEntity>(Partition, NodeKey(node), ["Hash"], cancellationToken), column: "Hash")));
        foreach (var (node, row, column) in byKey)
        {
            if (row.HasValue)
            {
                found[node] = Convert.FromHexString(row.Value!.GetString(column));
            }
        }

        var missing = nodes.FirstOrDefault(n => !found.ContainsKey(n));
        return found.Count == nodes.Count ? found : throw new InvalidOperationException($"The log has no node at level {missing.Level}, index {missing.Index}.");
    }

    public async Task<IReadOnlyList<(MerkleNode Node, string Hash)>> StoredNodesAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableNames.AuditLog, cancellationToken);
        var nodes = new List<(MerkleNode, string)>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {"node|"} and RowKey lt {"node}"}"), cancellationToken: cancellationToken))
        {
            nodes.Add((new MerkleNode(row.GetInt32("Level") ?? -1, row.GetInt64("Index") ?? -1), row.GetString("Hash")));
        }

        return nodes;
    }

    private static async Task<long> SizeAsync(TableClient table, string row, CancellationToken cancellationToken)
    {
        var head = await table.GetEntityIfExistsAsync<TableEntity>(Partition, row, ["Size"], cancellationToken);
        return head.HasValue ? head.Value!.GetInt64("Size") ?? 0 : 0;
    }

    private static string LeafKey(long index) => $"leaf|{index.ToString("D12", CultureInfo.InvariantCulture)}";

    private static string NodeKey(MerkleNode node) =>
        $"node|{node.Level.ToString("D2", CultureInfo.InvariantCulture)}|{node.Index.ToString("D12", CultureInfo.InvariantCulture)}";

    private static TableEntity NodeEntity(MerkleNode node, byte[] hash) => new(Partition, NodeKey(node))
    {
        ["Level"] = node.Level,
        ["Index"] = node.Index,
        ["Hash"] = Convert.ToHexStringLower(hash),
    };

    private static LoggedLeaf ToLoggedLeaf(TableEntity row) => new(
        row.GetInt64("Index") ?? 0,
        new AuditLeaf(row.GetString("ProviderId"), row.GetString("OrderId"), row.GetInt32("Sequence") ?? 0, row.GetString("EntryHash"), row.GetString("StateHash")),
        row.GetString("LeafHash"));

    private static string SourceKey(AuditLeaf leaf) => SourceKey(leaf.OrderId, leaf.Sequence);

    private static string SourceKey(string orderId, int sequence) => $"src|{orderId}|{sequence.ToString("D6", CultureInfo.InvariantCulture)}";

    private static TableEntity LeafEntity(long index, AuditLeaf leaf) => new(Partition, LeafKey(index))
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

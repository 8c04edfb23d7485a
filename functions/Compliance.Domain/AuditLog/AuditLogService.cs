using System.Text.Json;
using Compliance.Access;
using Compliance.Application;
using Compliance.Orders;
using Compliance.Problems;

namespace Compliance.AuditLog;

public sealed record InclusionProof(long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Proof);

public sealed record ConsistencyProof(long FromSize, long ToSize, string FromRoot, string ToRoot, IReadOnlyList<string> Proof);

/// <summary>The outcome of checking everything in storage against the signed log: the first disagreement found, named.</summary>
public sealed record AuditVerification(bool Valid, int Orders, long Leaves, long CheckpointSize, string? FirstProblem);

/// <summary>
/// The tamper-evident log across all orders (RFC 9162 Merkle tree): sequences the leaves every
/// order change wrote, signs checkpoints into the write-once archive, serves inclusion and
/// consistency proofs, and verifies storage against the signed root so that an operator who edits,
/// deletes or rewrites history is found out.
/// </summary>
/// <param name="formerKeys">Public keys that signed earlier checkpoints (after a rotation); each checkpoint is checked with the key its KeyId names.</param>
public sealed class AuditLogService(IAuditLog log, ICheckpointSigner signer, IAuditArchive archive, IOrderStore orders, TimeProvider time, FormerCheckpointKeys? formerKeys = null)
{
    /// <summary>Gives pending leaves their places, then signs a checkpoint if the log grew. Safe to run concurrently or again.</summary>
    public async Task<SignedCheckpoint?> SequenceAndCheckpointAsync(CancellationToken cancellationToken)
    {
        var pending = await log.PendingAsync(cancellationToken);
        if (pending.Count > 0)
        {
            // A fixed order, so two sequencers that race append the same sequence.
            await log.AppendAsync(pending.OrderBy(p => p.At).ThenBy(p => p.Leaf.OrderId, StringComparer.Ordinal).ThenBy(p => p.Leaf.Sequence).ToList(), cancellationToken);
        }

        var size = await log.CompleteNodesAsync(cancellationToken);
        var latest = await log.LatestCheckpointAsync(cancellationToken);
        if (size == 0 || latest?.TreeSize == size)
        {
            return latest;
        }

        var now = time.ReceiptTime();
        var (newRoot, extension) = await FromNodesAsync(source => (MerkleTree.Root(source, size), latest is null ? null : MerkleTree.ConsistencyProof(source, latest.TreeSize, size)), cancellationToken);

        // Never sign over stored nodes that no longer give the last signed root: an edited node would
        // otherwise be signed into every later checkpoint.
        if (latest is not null && !MerkleTree.VerifyConsistency(latest.TreeSize, size, extension!, Convert.FromHexString(latest.RootHash), newRoot))
        {
            throw new InvalidOperationException($"The stored log does not extend the signed checkpoint of size {latest.TreeSize}; nothing is signed. Run compliance audit verify.");
        }

        var root = Hex(newRoot);
        var checkpoint = new SignedCheckpoint(size, root, now, signer.KeyId, Convert.ToBase64String(signer.Sign(SignedCheckpoint.Body(size, root, now))));
        // The archive is the record: a sequencer that lost the race to archive this size keeps the winner's.
        var name = ArchiveName(checkpoint.TreeSize);
        if (!await archive.TryWriteAsync(name, JsonSerializer.SerializeToUtf8Bytes(checkpoint), cancellationToken))
        {
            checkpoint = JsonSerializer.Deserialize<SignedCheckpoint>(await archive.ReadAsync(name, cancellationToken) ?? []) ?? checkpoint;
        }

        await log.SaveCheckpointAsync(checkpoint, cancellationToken);
        return checkpoint;
    }

    public async Task<SignedCheckpoint> LatestAsync(Caller caller, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Regulator, Role.Commission);
        return await log.LatestCheckpointAsync(cancellationToken) ?? throw ComplianceProblem.NotFound("Checkpoint");
    }

    /// <summary>That the leaf of an order's history entry is in the tree of the given size (default: the latest checkpoint's).</summary>
    public async Task<InclusionProof> InclusionAsync(Caller caller, string orderId, int sequence, long? treeSize, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Regulator, Role.Commission);
        var logged = await log.TreeSizeAsync(cancellationToken);
        var size = treeSize ?? (await log.LatestCheckpointAsync(cancellationToken))?.TreeSize ?? logged;
        var leaf = await log.FindAsync(orderId, sequence, cancellationToken);
        if (leaf is null || leaf.Index >= size)
        {
            throw ComplianceProblem.NotFound($"A logged entry {sequence} of order {orderId} within a tree of size {size}");
        }

        RequireSize(size, logged);
        var (root, proof) = await FromNodesAsync(source => (MerkleTree.Root(source, size), MerkleTree.InclusionProof(source, leaf.Index, size)), cancellationToken);
        return new InclusionProof(leaf.Index, size, leaf.LeafHash, Hex(root), proof.Select(Hex).ToList());
    }

    /// <summary>That the tree of size <paramref name="from"/> is a prefix of the tree of size <paramref name="to"/>: nothing logged was changed since.</summary>
    public async Task<ConsistencyProof> ConsistencyAsync(Caller caller, long from, long to, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Regulator, Role.Commission);
        if (from < 1 || from > to)
        {
            throw new ComplianceProblem(ProblemKind.InvalidQuery, "from must be at least 1 and at most to.");
        }

        RequireSize(to, await log.TreeSizeAsync(cancellationToken));
        var (fromRoot, toRoot, proof) = await FromNodesAsync(
            source => (MerkleTree.Root(source, from), MerkleTree.Root(source, to), MerkleTree.ConsistencyProof(source, from, to)), cancellationToken);
        return new ConsistencyProof(from, to, Hex(fromRoot), Hex(toRoot), proof.Select(Hex).ToList());
    }

    /// <summary>
    /// Recomputes everything from storage: the checkpoint's signature and root, every leaf hash, every
    /// order's history chain, and each order against its leaves (every entry logged with its hash, no
    /// logged entry missing from the history, the last leaf's state equal to the order row).
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        // Checkpoints first: a sequencer running meanwhile only adds leaves after them.
        var archived = new List<SignedCheckpoint>();
        var names = await archive.ListAsync(CheckpointPrefix, cancellationToken);
        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } rewritten)
        {
            // The archive lists every version: a checkpoint is written once, so a second version is a rewrite.
            return new(false, 0, 0, 0, $"archived checkpoint {rewritten.Key} was written {rewritten.Count()} times");
        }

        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var content = await archive.ReadAsync(name, cancellationToken);
            SignedCheckpoint? parsed = null;
            try
            {
                parsed = content is null ? null : JsonSerializer.Deserialize<SignedCheckpoint>(content);
            }
            catch (JsonException)
            {
            }

            if (parsed is null)
            {
                return new(false, 0, 0, 0, $"archived checkpoint {name} cannot be read");
            }

            archived.Add(parsed);
        }

        var latest = await log.LatestCheckpointAsync(cancellationToken);
        var leaves = await log.LeavesAsync(cancellationToken);
        var newest = archived.MaxBy(c => c.TreeSize);
        AuditVerification Fail(int checkedOrders, string problem) => new(false, checkedOrders, leaves.Count, newest?.TreeSize ?? 0, problem);

        if (newest != latest)
        {
            return Fail(0, latest is null
                ? $"the latest checkpoint is missing from the log, while the archive holds one of size {newest!.TreeSize}"
                : $"the log's latest checkpoint (size {latest.TreeSize}) is not the newest archived one (size {newest?.TreeSize ?? 0})");
        }

        var hashes = new List<byte[]>();
        foreach (var leaf in leaves)
        {
            if (leaf.LeafHash is not { Length: 64 } || !leaf.LeafHash.All(char.IsAsciiHexDigit) || Hex(leaf.Leaf.LeafHash()) != leaf.LeafHash || leaf.Index != hashes.Count)
            {
                return Fail(0, $"leaf {leaf.Index} (order {leaf.Leaf.OrderId}, entry {leaf.Leaf.Sequence}): its content does not give its hash, or it is out of place");
            }

            hashes.Add(Convert.FromHexString(leaf.LeafHash));
        }

        // The stored subtrees that roots and proofs are served from must follow from the leaves.
        // Nodes over leaves placed after the leaves were read (a sequencer running meanwhile) are left for the next check.
        var recomputed = MerkleNodes.Extend(0, hashes.Count, node => hashes[(int)node.Index]).ToDictionary(n => n.Node, n => Hex(n.Hash));
        foreach (var (node, hash) in (await log.StoredNodesAsync(cancellationToken)).Where(n => n.Node.Level is > 0 and < 63 && (n.Node.Index + 1) << n.Node.Level <= hashes.Count).OrderBy(n => n.Node.Level).ThenBy(n => n.Node.Index))
        {
            if (!recomputed.TryGetValue(node, out var expected) || expected != hash)
            {
                return Fail(0, $"stored subtree at level {node.Level}, index {node.Index}: it does not follow from the log's leaves");
            }
        }

        // Every archived checkpoint still holds over the log's prefix of its size: the log only ever grew.
        foreach (var checkpoint in archived.OrderBy(c => c.TreeSize))
        {
            var key = new[] { signer }.Concat(formerKeys?.Keys ?? []).FirstOrDefault(k => k.KeyId == checkpoint.KeyId);
            if (key is null)
            {
                return Fail(0, $"checkpoint of size {checkpoint.TreeSize}: signed with key {checkpoint.KeyId}, which is not a trusted key");
            }

            var signature = new byte[64];
            if (!Convert.TryFromBase64String(checkpoint.Signature ?? string.Empty, signature, out var written) || written != 64
                || !key.Verify(SignedCheckpoint.Body(checkpoint.TreeSize, checkpoint.RootHash, checkpoint.Timestamp), signature))
            {
                return Fail(0, $"checkpoint of size {checkpoint.TreeSize}: the signature does not verify with key {key.KeyId}");
            }

            if (checkpoint.TreeSize > hashes.Count || Hex(MerkleTree.Root(hashes.Take((int)checkpoint.TreeSize).ToList())) != checkpoint.RootHash)
            {
                return Fail(0, $"checkpoint of size {checkpoint.TreeSize}: the log's leaves no longer give its signed root {checkpoint.RootHash}");
            }
        }

        var pending = (await log.PendingAsync(cancellationToken)).Select(p => (p.Leaf.OrderId, p.Leaf.Sequence)).ToHashSet();
        var byOrder = leaves.GroupBy(l => l.Leaf.OrderId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToDictionary(l => l.Leaf.Sequence), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        string? token = null;
        do
        {
            var page = await orders.ListAsync(new OrderQuery(null, null), token, 500, cancellationToken);
            foreach (var listed in page.Orders)
            {
                count++;
                seen.Add(listed.OrderId);
                var (order, history) = await SettledAsync(listed, cancellationToken);
                if (!OrderEvent.VerifyChain(order, history))
                {
                    return Fail(count, $"order {order.OrderId}: its history chain does not verify against the order row");
                }

                var logged = byOrder.GetValueOrDefault(order.OrderId) ?? [];
                foreach (var entry in history)
                {
                    if (logged.TryGetValue(entry.Sequence, out var leaf))
                    {
                        if (leaf.Leaf.EntryHash != entry.Hash)
                        {
                            return Fail(count, $"order {order.OrderId}, entry {entry.Sequence}: the history entry differs from the logged one (leaf {leaf.Index})");
                        }
                    }
                    else if (!pending.Contains((order.OrderId, entry.Sequence)))
                    {
                        return Fail(count, $"order {order.OrderId}, entry {entry.Sequence}: in the history but never written to the log");
                    }
                }

                if (logged.Keys.Where(s => s > order.Version).Order().FirstOrDefault() is var beyond and > 0)
                {
                    return Fail(count, $"order {order.OrderId}: entry {beyond} is in the log (leaf {logged[beyond].Index}) but missing from the order's history");
                }

                if (logged.TryGetValue(order.Version, out var last) && last.Leaf.StateHash != AuditLeaf.StateHashOf(order))
                {
                    return Fail(count, $"order {order.OrderId}: the order row differs from the state logged with its entry {order.Version} (leaf {last.Index})");
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        var vanished = byOrder.Keys.FirstOrDefault(id => !seen.Contains(id));
        return vanished is not null
            ? Fail(count, $"order {vanished}: in the log but no longer in storage")
            : new AuditVerification(true, count, leaves.Count, newest?.TreeSize ?? 0, null);
    }

    /// <summary>The order and its history as of one moment: read again if the order changed between the two reads.</summary>
    private async Task<(TakedownOrder Order, IReadOnlyList<OrderEvent> History)> SettledAsync(TakedownOrder order, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var history = await orders.HistoryAsync(order, cancellationToken);
            if (history.Count == order.Version || attempt == 2 || await orders.FindAsync(order.ProviderId, order.OrderId, cancellationToken) is not { } again || again.Order.Version == order.Version)
            {
                return (order, history);
            }

            order = again.Order;
        }
    }

    private const string CheckpointPrefix = "checkpoints/";

    private static string ArchiveName(long treeSize) => $"{CheckpointPrefix}{treeSize:D12}.json";

    /// <summary>Runs a root or proof computation over the stored subtrees, reading just the ones it needs.</summary>
    private async Task<T> FromNodesAsync<T>(Func<MerkleTree.SubtreeSource, T> compute, CancellationToken cancellationToken)
    {
        var nodes = await log.NodesAsync(MerkleNodes.Needed(node => compute(MerkleNodes.Source(node))), cancellationToken);
        return compute(MerkleNodes.Source(node => nodes[node]));
    }

    private static void RequireSize(long size, long logged)
    {
        if (size < 1 || size > logged)
        {
            throw new ComplianceProblem(ProblemKind.InvalidQuery, $"treeSize must be between 1 and {logged}.");
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

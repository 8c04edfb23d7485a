namespace Compliance.AuditLog;

/// <summary>A leaf written with its order change and not yet given a place in the log.</summary>
public sealed record PendingLeaf(AuditLeaf Leaf, DateTimeOffset At);

/// <summary>A leaf at its place in the log.</summary>
public sealed record LoggedLeaf(long Index, AuditLeaf Leaf, string LeafHash);

/// <summary>
/// The log across all orders: leaves are written with each order change (atomically with it), then
/// given consecutive places by a single sequencer; checkpoints sign its size and root.
/// </summary>
public interface IAuditLog
{
    Task<IReadOnlyList<PendingLeaf>> PendingAsync(CancellationToken cancellationToken);

    /// <summary>Appends leaves not in the log yet (a leaf already there is skipped); returns the log's size.</summary>
    Task<long> AppendAsync(IReadOnlyList<PendingLeaf> leaves, CancellationToken cancellationToken);

    /// <summary>Every leaf in log order (the verifier's full read).</summary>
    Task<IReadOnlyList<LoggedLeaf>> LeavesAsync(CancellationToken cancellationToken);

    /// <summary>The leaf of an order's history entry, once the log holds it.</summary>
    Task<LoggedLeaf?> FindAsync(string orderId, int sequence, CancellationToken cancellationToken);

    /// <summary>Stores the complete subtrees of every leaf placed so far; returns the tree size they cover.</summary>
    Task<long> CompleteNodesAsync(CancellationToken cancellationToken);

    /// <summary>The tree size the stored subtrees cover: the largest tree a root or proof can be served for.</summary>
    Task<long> TreeSizeAsync(CancellationToken cancellationToken);

    /// <summary>Stored subtree hashes (level 0: the leaf hashes); every one asked for must exist.</summary>
    Task<IReadOnlyDictionary<MerkleNode, byte[]>> NodesAsync(IReadOnlySet<MerkleNode> nodes, CancellationToken cancellationToken);

    /// <summary>Every stored subtree above the leaves, as stored (hex), for the verifier.</summary>
    Task<IReadOnlyList<(MerkleNode Node, string Hash)>> StoredNodesAsync(CancellationToken cancellationToken);

    Task<SignedCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken);

    Task SaveCheckpointAsync(SignedCheckpoint checkpoint, CancellationToken cancellationToken);
}

/// <summary>Signs checkpoints (a key from configuration locally; a Key Vault secret in Azure).</summary>
public interface ICheckpointSigner
{
    string KeyId { get; }

    /// <summary>The public key (SubjectPublicKeyInfo, PEM) verifiers pin.</summary>
    string PublicKeyPem { get; }

    byte[] Sign(byte[] body);

    bool Verify(byte[] body, byte[] signature);
}

/// <summary>Keys that signed checkpoints before the current one was rotated in: still trusted for those.</summary>
public sealed record FormerCheckpointKeys(IReadOnlyList<ICheckpointSigner> Keys);

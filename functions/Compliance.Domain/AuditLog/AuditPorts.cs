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

    /// <summary>Every leaf in log order.</summary>
    Task<IReadOnlyList<LoggedLeaf>> LeavesAsync(CancellationToken cancellationToken);

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

using Compliance.AuditLog;

namespace Compliance.Functions.Http;

/// <summary>A checkpoint with the public key that verifies it (pin it out of band: the response alone proves nothing).</summary>
public sealed record CheckpointView(long TreeSize, string RootHash, DateTimeOffset Timestamp, string KeyId, string Signature, string SignatureAlgorithm, string PublicKey)
{
    public static CheckpointView From(SignedCheckpoint c, string publicKey) => new(c.TreeSize, c.RootHash, c.Timestamp, c.KeyId, c.Signature, "ECDSA P-256 SHA-256 (IEEE P1363)", publicKey);
}

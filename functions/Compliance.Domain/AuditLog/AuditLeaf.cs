using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Compliance.Orders;

namespace Compliance.AuditLog;

/// <summary>
/// One entry of the log across all orders: a state change, naming the history entry (its chained
/// hash) and the order state that resulted (a hash of the order row's fields). Rewriting a whole
/// chain changes the entry hashes, deleting a tail leaves the last leaf ahead of the order row, and
/// editing an order field outside the chain changes the state hash: each then disagrees with a log
/// whose root is signed.
/// </summary>
public sealed record AuditLeaf(string ProviderId, string OrderId, int Sequence, string EntryHash, string StateHash)
{
    public static AuditLeaf For(TakedownOrder resulting, OrderEvent entry) =>
        new(resulting.ProviderId, resulting.OrderId, entry.Sequence, entry.Hash, StateHashOf(resulting));

    public byte[] LeafHash() => MerkleTree.LeafHash(Encoding.UTF8.GetBytes(
        string.Join('\n', "compliance-audit-leaf-v1", ProviderId, OrderId, Sequence.ToString(CultureInfo.InvariantCulture), EntryHash, StateHash)));

    /// <summary>
    /// Every field of the order row, as canonical JSON (so no field's text can pass for another's).
    /// Times are cut to the millisecond in UTC, as storage keeps them, so a state read back from
    /// storage hashes exactly as it was written.
    /// </summary>
    public static string StateHashOf(TakedownOrder o)
    {
        static string? T(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var state = new
        {
            Format = "compliance-order-state-v2",
            o.OrderId,
            o.ProviderId,
            o.LegalBasis,
            o.IssuedBy,
            IssuedAt = T(o.IssuedAt),
            o.Reason,
            Items = o.Items.Select(i => new { i.Url, i.Description }),
            Status = OrderText.Status(o.Status),
            Clock = new
            {
                FullMs = (long)o.Clock.FullPeriod.TotalMilliseconds,
                DueAt = T(o.Clock.DueAt),
                RemainingMs = o.Clock.Remaining is { } left ? (long?)left.TotalMilliseconds : null,
                Basis = o.Clock.Basis.ToString(),
            },
            AcknowledgedAt = T(o.AcknowledgedAt),
            Removal = o.Removal is { } r ? new { Claimed = T(r.ClaimedRemovedAt), Received = T(r.ReceivedAt), Action = r.Action.ToString(), r.Late, r.Evidence } : null,
            Objection = o.Objection is { } x ? new { Ground = x.Ground.ToString(), x.Explanation, At = T(x.At), Resume = x.ResumeStatus.ToString() } : null,
            LastObjection = o.LastObjection is { } y ? new { Ground = y.Ground.ToString(), y.Explanation, At = T(y.At) } : null,
            o.ObjectionCount,
            BreachedAt = T(o.BreachedAt),
            WithdrawnAt = T(o.WithdrawnAt),
            o.Version,
            o.LastEventHash,
            o.Notice,
            o.Warnings,
        };
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(state)));
    }
}

/// <summary>A signed statement of the log's size and root at a time (a checkpoint, as in Certificate Transparency).</summary>
public sealed record SignedCheckpoint(long TreeSize, string RootHash, DateTimeOffset Timestamp, string KeyId, string Signature)
{
    /// <summary>The exact bytes that are signed.</summary>
    public static byte[] Body(long treeSize, string rootHash, DateTimeOffset timestamp) => Encoding.UTF8.GetBytes(
        string.Join('\n', "compliance-audit-checkpoint-v1", treeSize.ToString(CultureInfo.InvariantCulture), rootHash, timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
}

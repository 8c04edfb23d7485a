using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
    /// The order's stored fields in a fixed text form. Times are cut to the millisecond in UTC, as
    /// storage keeps them, so a state read back from storage hashes exactly as it was written.
    /// </summary>
    public static string StateHashOf(TakedownOrder o)
    {
        static string T(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "-";
        var canonical = string.Join(
            '\n',
            "compliance-order-state-v1",
            o.OrderId,
            o.ProviderId,
            o.LegalBasis,
            o.IssuedBy,
            T(o.IssuedAt),
            o.Reason,
            string.Join('\u001f', o.Items.Select(i => $"{i.Url}\u001e{i.Description}")),
            OrderText.Status(o.Status),
            T(o.Clock.DueAt),
            o.Clock.Remaining is { } left ? ((long)left.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "-",
            T(o.AcknowledgedAt),
            o.Removal is { } r ? $"{T(r.ClaimedRemovedAt)}|{T(r.ReceivedAt)}|{OrderText.Snake(r.Action.ToString())}|{r.Late}|{r.Evidence}" : "-",
            o.ObjectionCount.ToString(CultureInfo.InvariantCulture),
            T(o.BreachedAt),
            T(o.WithdrawnAt),
            o.Version.ToString(CultureInfo.InvariantCulture),
            o.LastEventHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>A signed statement of the log's size and root at a time (a checkpoint, as in Certificate Transparency).</summary>
public sealed record SignedCheckpoint(long TreeSize, string RootHash, DateTimeOffset Timestamp, string KeyId, string Signature)
{
    /// <summary>The exact bytes that are signed.</summary>
    public static byte[] Body(long treeSize, string rootHash, DateTimeOffset timestamp) => Encoding.UTF8.GetBytes(
        string.Join('\n', "compliance-audit-checkpoint-v1", treeSize.ToString(CultureInfo.InvariantCulture), rootHash, timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
}

using Compliance.Access;
using Compliance.Regimes;

namespace Compliance.Orders;

public enum OrderStatus
{
    Issued,
    Acknowledged,
    Objected,
    Removed,
    Withdrawn,
    Breached,

    /// <summary>DSA Art. 9(1): the provider informed the authority that it gave the order no effect, with its reasons.</summary>
    NoEffectGiven,
}

public enum RemovalAction
{
    Removed,
    Disabled,
    GeoBlocked,
}

public enum OrderEventType
{
    Issued,
    Acknowledged,
    Objected,
    Clarified,
    GroundsCeased,
    Extended,
    Withdrawn,
    Breached,
    Removed,
    NoEffectGiven,
}

/// <summary>Something the order lacks that the law expects, recorded on the order and shown to the issuer (not a refusal).</summary>
public sealed record OrderWarning(string Code, string Detail);

public sealed record OrderItem(string Url, string? Description);

/// <summary>
/// The provider's confirmation. <see cref="ClaimedRemovedAt"/> is what the provider says; the SLA is
/// judged on <see cref="ReceivedAt"/>, the server's clock when the confirmation arrived.
/// </summary>
public sealed record RemovalRecord(DateTimeOffset ClaimedRemovedAt, DateTimeOffset ReceivedAt, RemovalAction Action, string? Evidence, bool Late);

/// <summary>An open objection, with the status the order returns to once it is answered.</summary>
public sealed record Objection(ObjectionGround Ground, string Explanation, DateTimeOffset At, OrderStatus ResumeStatus);

/// <summary>
/// One entry of an order's append-only history. Entries are hash-chained: <see cref="Hash"/> covers
/// the entry and the previous entry's hash, so an edited or deleted entry breaks every later link.
/// </summary>
public sealed record OrderEvent(
    int Sequence,
    OrderEventType Type,
    DateTimeOffset At,
    Caller Actor,
    OrderStatus From,
    OrderStatus To,
    string? Reason,
    DateTimeOffset? DueAt,
    string PreviousHash = "",
    string Hash = "")
{
    /// <summary>Fills in the chain: the hash of this entry's content and <paramref name="previousHash"/>.</summary>
    public OrderEvent Chained(string orderId, string previousHash) =>
        this with { PreviousHash = previousHash, Hash = ComputeHash(orderId, previousHash) };

    /// <summary>Recomputes the hash from the entry as stored.</summary>
    public string ComputeHash(string orderId, string previousHash)
    {
        var canonical = string.Join(
            '\n',
            previousHash,
            orderId,
            Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            OrderText.Event(Type),
            At.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            Actor.Role.ToString(),
            Actor.Subject,
            Actor.ProviderId ?? string.Empty,
            OrderText.Status(From),
            OrderText.Status(To),
            Reason ?? string.Empty,
            DueAt?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Whether the history is the whole story of <paramref name="order"/>: every entry's hash
    /// matches its content and links to the one before, and the chain ends exactly where the order
    /// row says it does (its version, last hash and status), so a deleted tail shows too.
    /// </summary>
    public static bool VerifyChain(TakedownOrder order, IReadOnlyList<OrderEvent> history) =>
        VerifyChain(order.OrderId, history)
        && history.Count == order.Version
        && history[^1].Hash == order.LastEventHash
        && history[^1].To == order.Status;

    /// <summary>Whether every entry's hash matches its content and links to the one before.</summary>
    public static bool VerifyChain(string orderId, IReadOnlyList<OrderEvent> history)
    {
        var previous = string.Empty;
        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            if (entry.Sequence != i + 1 || entry.PreviousHash != previous || entry.Hash != entry.ComputeHash(orderId, previous))
            {
                return false;
            }

            previous = entry.Hash;
        }

        return true;
    }
}

/// <summary>
/// The result of a transition: the new state and the history entries that explain it. A refusal
/// that still changed the order (a breach recorded before refusing what came after the deadline)
/// carries the problem to report once the change is saved.
/// </summary>
public sealed record OrderChange(TakedownOrder Order, IReadOnlyList<OrderEvent> Events, bool DeadlineMoved)
{
    public Compliance.Problems.ComplianceProblem? Refusal { get; init; }
}

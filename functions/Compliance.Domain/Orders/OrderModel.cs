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
    Extended,
    Withdrawn,
    Breached,
    Removed,
}

public sealed record OrderItem(string Url, string? Description);

/// <summary>
/// The provider's confirmation. <see cref="ClaimedRemovedAt"/> is what the provider says; the SLA is
/// judged on <see cref="ReceivedAt"/>, the server's clock when the confirmation arrived.
/// </summary>
public sealed record RemovalRecord(DateTimeOffset ClaimedRemovedAt, DateTimeOffset ReceivedAt, RemovalAction Action, string? Evidence, bool Late);

/// <summary>An open objection, with the status the order returns to once it is answered.</summary>
public sealed record Objection(ObjectionGround Ground, string Explanation, DateTimeOffset At, OrderStatus ResumeStatus);

/// <summary>One entry of an order's append-only history.</summary>
public sealed record OrderEvent(
    int Sequence,
    OrderEventType Type,
    DateTimeOffset At,
    Caller Actor,
    OrderStatus From,
    OrderStatus To,
    string? Reason,
    DateTimeOffset? DueAt);

/// <summary>The result of a transition: the new state and the history entries that explain it.</summary>
public sealed record OrderChange(TakedownOrder Order, IReadOnlyList<OrderEvent> Events, bool DeadlineMoved);

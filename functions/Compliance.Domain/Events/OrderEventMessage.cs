using Compliance.Orders;

namespace Compliance.Events;

/// <summary>
/// An order's state change as published to providers and regulators. Carries ids, states, times
/// and the order's URLs, never media or personal data.
/// </summary>
public static class OrderEventMessage
{
    public const string SchemaVersion = "urn:compliance:schema:order-event:1";

    /// <summary>Broker-level id: the same state change always gets the same id, so duplicates are dropped.</summary>
    public static string MessageIdOf(string orderId, int sequence) => $"{orderId}-{sequence}";

    public static CloudEvent<OrderEventData> Of(TakedownOrder order, OrderEvent change) => CloudEvent.Create(
        MessageIdOf(order.OrderId, change.Sequence),
        "order." + OrderText.Event(change.Type),
        order.OrderId,
        change.At,
        SchemaVersion,
        new OrderEventData(
            order.OrderId,
            order.ProviderId,
            order.LegalBasis,
            change.Sequence,
            OrderText.Status(change.From),
            OrderText.Status(change.To),
            OrderText.Snake(change.Actor.Role.ToString()),
            change.DueAt,
            change.Type == OrderEventType.Issued ? order.Items.Select(i => i.Url).ToList() : null,
            change.Type == OrderEventType.Removed ? order.Removal?.Late : null));
}

/// <param name="Urls">The order's item URLs, on <c>order.issued</c> only.</param>
/// <param name="Late">On <c>order.removed</c>: whether the removal came after the deadline.</param>
public sealed record OrderEventData(
    string OrderId,
    string ProviderId,
    string LegalBasis,
    int Sequence,
    string PreviousStatus,
    string Status,
    string ActorRole,
    DateTimeOffset? DueAt,
    IReadOnlyList<string>? Urls,
    bool? Late);

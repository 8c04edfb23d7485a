using System.Text.Json.Serialization;
using Compliance.Orders;

namespace Compliance.Events;

/// <summary>
/// An order's state change as published to providers and regulators: a CloudEvents 1.0 envelope
/// (structured mode). Carries ids, states, times and the order's URLs, never media or personal data.
/// </summary>
public sealed record OrderEventMessage(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("dataschema")] string DataSchema,
    [property: JsonPropertyName("data")] OrderEventData Data)
{
    public const string SchemaVersion = "urn:compliance:schema:order-event:1";
    public const string EventSource = "/compliance/orders";

    /// <summary>Broker-level id: the same state change always gets the same id, so duplicates are dropped.</summary>
    public static string MessageIdOf(string orderId, int sequence) => $"{orderId}-{sequence}";

    public static OrderEventMessage Of(TakedownOrder order, OrderEvent change) => new(
        "1.0",
        MessageIdOf(order.OrderId, change.Sequence),
        EventSource,
        "order." + OrderText.Event(change.Type),
        order.OrderId,
        change.At,
        "application/json",
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

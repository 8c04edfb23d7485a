using System.Text.Json;
using Azure.Data.Tables;
using Compliance.Access;
using Compliance.Events;
using Compliance.Orders;
using Compliance.Regimes;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// Table rows of the Orders table. An order and its history share the provider's partition so a
/// state change and the history entry that records it are written in one transaction.
/// </summary>
internal static class OrderEntities
{
    public const string OrderKind = "order";
    public const string EventKind = "event";
    public const string OutboxKind = "outbox";
    public const string OutboxPrefix = "outbox|";

    public static string EventRowKey(string orderId, int sequence) => $"{orderId}|e|{sequence:D6}";

    public static string EventRowKeyPrefix(string orderId) => $"{orderId}|e|";

    public static TableEntity ToEntity(TakedownOrder order)
    {
        var e = new TableEntity(order.ProviderId, order.OrderId)
        {
            ["Kind"] = OrderKind,
            ["LegalBasis"] = order.LegalBasis,
            ["Reason"] = order.Reason,
            ["IssuedBy"] = order.IssuedBy,
            ["IssuedAt"] = order.IssuedAt,
            ["Status"] = OrderText.Status(order.Status),
            ["FullClockMs"] = (long)order.Clock.FullPeriod.TotalMilliseconds,
            ["ClockBasis"] = OrderText.Snake(order.Clock.Basis.ToString()),
            ["ObjectionCount"] = order.ObjectionCount,
            ["Version"] = order.Version,
        };
        Set(e, "DueAt", order.Clock.DueAt);
        Set(e, "RemainingMs", order.Clock.Remaining is { } left ? (long)left.TotalMilliseconds : null);
        Set(e, "AcknowledgedAt", order.AcknowledgedAt);
        Set(e, "BreachedAt", order.BreachedAt);
        Set(e, "WithdrawnAt", order.WithdrawnAt);
        Set(e, "LastRequestKey", order.LastRequestKey);
        e["LastEventHash"] = order.LastEventHash;
        if (order.Removal is { } removal)
        {
            e["RemovalClaimedAt"] = removal.ClaimedRemovedAt;
            e["RemovalReceivedAt"] = removal.ReceivedAt;
            e["RemovalAction"] = OrderText.Snake(removal.Action.ToString());
            e["RemovalLate"] = removal.Late;
            Set(e, "RemovalEvidence", removal.Evidence);
        }

        if (order.Objection is { } objection)
        {
            e["ObjectionGround"] = OrderText.Snake(objection.Ground.ToString());
            e["ObjectionExplanation"] = objection.Explanation;
            e["ObjectionAt"] = objection.At;
            e["ObjectionResumeStatus"] = OrderText.Status(objection.ResumeStatus);
        }

        LongText.Write(e, "Items", JsonSerializer.Serialize(order.Items, StorageJson.Options));
        LongText.Write(e, "Notice", JsonSerializer.Serialize(order.Notice, StorageJson.Options));
        if (order.Warnings.Count > 0)
        {
            e["Warnings"] = JsonSerializer.Serialize(order.Warnings, StorageJson.Options);
        }
        if (order.LastObjection is { } last)
        {
            e["LastObjectionGround"] = OrderText.Snake(last.Ground.ToString());
            e["LastObjectionExplanation"] = last.Explanation;
            e["LastObjectionAt"] = last.At;
        }

        return e;
    }

    /// <summary>The outbox row of one event: same partition as the order, so it commits with the change.</summary>
    public static TableEntity ToOutboxEntity(TakedownOrder order, OrderEvent entry, DateTimeOffset enqueuedAt) =>
        ToOutboxEntity(order.ProviderId, $"{entry.Sequence:D6}", entry.Sequence, OrderEventMessage.Of(order, entry), enqueuedAt);

    /// <summary>
    /// An outbox row in the provider's partition, keyed under the order so the relay keeps each
    /// order's events together; <paramref name="sequence"/> orders them within the order.
    /// </summary>
    /// <param name="enqueuedAt">
    /// Our clock at the write, not the event's time: a breach recorded as of a past deadline is
    /// still new in the outbox.
    /// </param>
    public static TableEntity ToOutboxEntity<TData>(string providerId, string key, int sequence, CloudEvent<TData> message, DateTimeOffset enqueuedAt)
    {
        var row = new TableEntity(providerId, $"{OutboxPrefix}{message.Subject}|{key}")
        {
            ["Kind"] = OutboxKind,
            ["MessageId"] = message.Id,
            ["OrderId"] = message.Subject,
            ["Sequence"] = sequence,
            ["Type"] = message.Type,
            ["EnqueuedAt"] = enqueuedAt,
        };

        // order.issued lists the order's URLs, which can exceed one property.
        LongText.Write(row, "Body", JsonSerializer.Serialize(message, StorageJson.Options));
        return row;
    }

    /// <summary>The rows a state change writes in one transaction: the order, then each history entry with its outbox row.</summary>
    public const string AuditKind = "audit";

    /// <summary>
    /// What a change writes beside the order row, in the same transaction: each history entry, its
    /// outbox event, and its leaf for the audit log (given its place in the log later by the sequencer).
    /// </summary>
    public static IEnumerable<TableEntity> HistoryAndOutbox(OrderChange change, DateTimeOffset enqueuedAt) =>
        change.Events.SelectMany(e => new[] { ToEntity(change.Order.ProviderId, change.Order.OrderId, e), ToOutboxEntity(change.Order, e, enqueuedAt), ToAuditEntity(change.Order, e) });

    /// <summary>
    /// A pending leaf sits under its own row-key prefix in the provider's partition, so the sequencer
    /// reads the pending ones by key range (O(pending)) instead of scanning every order, and deletes
    /// each once the log holds it.
    /// </summary>
    public const string PendingLeafPrefix = "audit-pending|";

    public static TableEntity ToAuditEntity(TakedownOrder order, OrderEvent entry)
    {
        var leaf = Compliance.AuditLog.AuditLeaf.For(order, entry);
        return new TableEntity(order.ProviderId, PendingLeafKey(order.OrderId, entry.Sequence))
        {
            ["Kind"] = AuditKind,
            ["OrderId"] = leaf.OrderId,
            ["Sequence"] = leaf.Sequence,
            ["EntryHash"] = leaf.EntryHash,
            ["StateHash"] = leaf.StateHash,
            ["At"] = entry.At,
        };
    }

    public static string PendingLeafKey(string orderId, int sequence) =>
        $"{PendingLeafPrefix}{orderId}|{sequence.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)}";

    public static TakedownOrder ToOrder(TableEntity e)
    {
        RemovalRecord? removal = e.ContainsKey("RemovalReceivedAt")
            ? new RemovalRecord(
                Time(e, "RemovalClaimedAt"),
                Time(e, "RemovalReceivedAt"),
                Parse<RemovalAction>(e, "RemovalAction"),
                e.GetString("RemovalEvidence"),
                e.GetBoolean("RemovalLate") ?? false)
            : null;
        Objection? objection = e.ContainsKey("ObjectionGround")
            ? new Objection(
                Parse<ObjectionGround>(e, "ObjectionGround"),
                e.GetString("ObjectionExplanation"),
                Time(e, "ObjectionAt"),
                Parse<OrderStatus>(e, "ObjectionResumeStatus"))
            : null;
        return new TakedownOrder
        {
            OrderId = e.RowKey,
            ProviderId = e.PartitionKey,
            LegalBasis = e.GetString("LegalBasis"),
            Items = JsonSerializer.Deserialize<List<OrderItem>>(LongText.Read(e, "Items"), StorageJson.Options) ?? [],
            Reason = e.GetString("Reason"),
            IssuedBy = e.GetString("IssuedBy"),
            IssuedAt = Time(e, "IssuedAt"),
            Status = Parse<OrderStatus>(e, "Status"),
            Clock = new RemovalClock(
                TimeSpan.FromMilliseconds(e.GetInt64("FullClockMs") ?? 0),
                e.GetDateTimeOffset("DueAt"),
                e.GetInt64("RemainingMs") is { } ms ? TimeSpan.FromMilliseconds(ms) : null)
            {
                Basis = OrderText.TryParse<Compliance.Regimes.ClockBasis>(e.GetString("ClockBasis"), out var basis) ? basis : Compliance.Regimes.ClockBasis.Statutory,
            },
            AcknowledgedAt = e.GetDateTimeOffset("AcknowledgedAt"),
            Removal = removal,
            Objection = objection,
            ObjectionCount = e.GetInt32("ObjectionCount") ?? 0,
            BreachedAt = e.GetDateTimeOffset("BreachedAt"),
            WithdrawnAt = e.GetDateTimeOffset("WithdrawnAt"),
            Version = e.GetInt32("Version") ?? 0,
            LastRequestKey = e.GetString("LastRequestKey"),
            LastEventHash = e.GetString("LastEventHash") ?? string.Empty,
            Notice = e.ContainsKey("NoticeParts") ? JsonSerializer.Deserialize<OrderNotice>(LongText.Read(e, "Notice"), StorageJson.Options)! : OrderNotice.Empty("STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", []),
            Warnings = e.GetString("Warnings") is { } warnings ? JsonSerializer.Deserialize<List<OrderWarning>>(warnings, StorageJson.Options) ?? [] : [],
            LastObjection = e.ContainsKey("LastObjectionGround")
                ? new Objection(Parse<ObjectionGround>(e, "LastObjectionGround"), e.GetString("LastObjectionExplanation"), Time(e, "LastObjectionAt"), OrderStatus.Objected)
                : null,
        };
    }

    public static TableEntity ToEntity(string providerId, string orderId, OrderEvent entry)
    {
        var e = new TableEntity(providerId, EventRowKey(orderId, entry.Sequence))
        {
            ["Kind"] = EventKind,
            ["OrderId"] = orderId,
            ["Sequence"] = entry.Sequence,
            ["Type"] = OrderText.Event(entry.Type),
            ["At"] = entry.At,
            ["ActorRole"] = OrderText.Snake(entry.Actor.Role.ToString()),
            ["ActorSubject"] = entry.Actor.Subject,
            ["From"] = OrderText.Status(entry.From),
            ["To"] = OrderText.Status(entry.To),
            ["PreviousHash"] = entry.PreviousHash,
            ["Hash"] = entry.Hash,
        };
        Set(e, "ActorProviderId", entry.Actor.ProviderId);
        Set(e, "Reason", entry.Reason);
        Set(e, "DueAt", entry.DueAt);
        return e;
    }

    public static OrderEvent ToEvent(TableEntity e) => new(
        e.GetInt32("Sequence") ?? 0,
        Parse<OrderEventType>(e, "Type"),
        Time(e, "At"),
        new Caller(Parse<Role>(e, "ActorRole"), e.GetString("ActorSubject"), e.GetString("ActorProviderId")),
        Parse<OrderStatus>(e, "From"),
        Parse<OrderStatus>(e, "To"),
        e.GetString("Reason"),
        e.GetDateTimeOffset("DueAt"),
        e.GetString("PreviousHash") ?? string.Empty,
        e.GetString("Hash") ?? string.Empty);

    private static void Set(TableEntity e, string name, object? value)
    {
        if (value is not null)
        {
            e[name] = value;
        }
    }

    private static DateTimeOffset Time(TableEntity e, string name) =>
        e.GetDateTimeOffset(name) ?? throw new InvalidDataException($"Row {e.PartitionKey}/{e.RowKey} lacks {name}.");

    private static T Parse<T>(TableEntity e, string name)
        where T : struct, Enum =>
        OrderText.TryParse<T>(e.GetString(name), out var value) ? value : throw new InvalidDataException($"Row {e.PartitionKey}/{e.RowKey} has an unknown {name}.");
}

internal static class StorageJson
{
    /// <summary>camelCase, nulls left out, and '+' or non-ASCII text written as is (the rows are never embedded in HTML).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

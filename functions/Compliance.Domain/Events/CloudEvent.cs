using System.Text.Json.Serialization;

namespace Compliance.Events;

/// <summary>A CloudEvents 1.0 envelope in structured mode, as every Compliance event is published.</summary>
public sealed record CloudEvent<TData>(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("dataschema")] string DataSchema,
    [property: JsonPropertyName("data")] TData Data);

public static class CloudEvent
{
    public const string EventSource = "/compliance/orders";

    public static CloudEvent<TData> Create<TData>(string id, string type, string subject, DateTimeOffset time, string schema, TData data) =>
        new("1.0", id, EventSource, type, subject, time, "application/json", schema, data);
}

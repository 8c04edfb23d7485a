using System.Text.Json.Serialization;
using Compliance.Media;
using Compliance.Orders;

namespace Compliance.Events;

/// <summary>
/// A detection result as an event (CloudEvents 1.0, type media.analysed or media.rejected): ids,
/// status and what was found in outline. No hashes, boxes or media: those stay behind the API.
/// </summary>
public sealed record MediaEventMessage(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("dataschema")] string DataSchema,
    [property: JsonPropertyName("data")] MediaEventData Data)
{
    public const string SchemaVersion = "urn:compliance:schema:media-event:1";

    /// <summary>One message per media item: a re-run analysis republishes under the same id.</summary>
    public static string MessageIdOf(string mediaId) => $"{mediaId}-result";

    public static MediaEventMessage Of(MediaRecord record) => new(
        "1.0",
        MessageIdOf(record.MediaId),
        OrderEventMessage.EventSource,
        record.Status == MediaStatus.Rejected ? "media.rejected" : "media.analysed",
        record.OrderId,
        record.AnalysedAt ?? record.CreatedAt,
        "application/json",
        SchemaVersion,
        new MediaEventData(
            record.OrderId,
            record.ProviderId,
            record.MediaId,
            OrderText.Snake(record.Status.ToString()),
            record.Analysis?.Rejection is { } reason ? OrderText.Snake(reason.ToString()) : null,
            record.Analysis?.Kind is { } kind ? OrderText.Snake(kind.ToString()) : null,
            record.Analysis?.Hashes.Count ?? 0,
            record.Analysis?.Faces.Count ?? 0,
            record.Analysis?.Provenance?.AiDeclared ?? false,
            record.Analysis?.Classifications.Where(c => c.Flagged).Select(c => c.Model).ToList() ?? []));
}

public sealed record MediaEventData(
    string OrderId,
    string ProviderId,
    string MediaId,
    string Status,
    string? RejectionReason,
    string? Kind,
    int HashCount,
    int FaceCount,
    bool AiDeclared,
    IReadOnlyList<string> FlaggedBy);

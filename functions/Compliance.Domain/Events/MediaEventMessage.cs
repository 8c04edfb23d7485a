using Compliance.Media;
using Compliance.Orders;

namespace Compliance.Events;

/// <summary>
/// A detection result as an event (type media.analysed or media.rejected): ids, status and what
/// was found in outline. No hashes, boxes or media: those stay behind the API.
/// </summary>
public static class MediaEventMessage
{
    public const string SchemaVersion = "urn:compliance:schema:media-event:1";

    /// <summary>One message per media item: a re-run analysis republishes under the same id.</summary>
    public static string MessageIdOf(string mediaId) => $"{mediaId}-result";

    public static CloudEvent<MediaEventData> Of(MediaRecord record) => CloudEvent.Create(
        MessageIdOf(record.MediaId),
        record.Status == MediaStatus.Rejected ? "media.rejected" : "media.analysed",
        record.OrderId,
        record.AnalysedAt ?? record.CreatedAt,
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

using System.Text.Json.Serialization;
using Compliance.HashBank;
using Compliance.Media;

namespace Compliance.Functions.Http;

public sealed record UploadTicketView(string MediaId, Uri UploadUrl, string Method, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresAt, long MaxBytes)
{
    public static UploadTicketView From(UploadTicket t) =>
        new(t.MediaId, t.UploadUrl, "PUT", new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob" }, t.ExpiresAt, t.MaxBytes);
}

public sealed record RejectionView(RejectionReason Reason, string? Detail);

public sealed record MediaView(
    string MediaId,
    string OrderId,
    MediaStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? AnalysedAt,
    DateTimeOffset PreserveUntil,
    bool Purged,
    MediaKind? Kind,
    long? SizeBytes,
    int? Width,
    int? Height,
    double? DurationSeconds,
    RejectionView? Rejection,
    IReadOnlyList<MediaHash> Hashes,
    IReadOnlyList<FaceFinding> Faces,
    int FaceCount,
    ProvenanceFinding? Provenance,
    IReadOnlyList<ClassifierFinding> Classifications,
    string? Sha256)
{
    public static MediaView From(MediaRecord r)
    {
        var a = r.Analysis;
        return new MediaView(
            r.MediaId,
            r.OrderId,
            r.Status,
            r.CreatedAt,
            r.AnalysedAt,
            r.PreserveUntil,
            r.Purged,
            a?.Kind,
            a?.SizeBytes,
            a?.Width,
            a?.Height,
            a?.DurationSeconds,
            a?.Rejection is { } reason ? new RejectionView(reason, a.RejectionDetail) : null,
            a?.Hashes ?? [],
            a?.Faces ?? [],
            a?.Faces.Count ?? 0,
            a?.Provenance,
            a?.Classifications ?? [],
            a?.Sha256);
    }
}

public sealed record MediaSummaryView(string MediaId, MediaStatus Status);

/// <summary>A banked hash as the caller may see it: attribution only for the commission, regulators and the order's own provider.</summary>
public sealed record BankedHashView(
    string EntryId,
    string Pdq,
    int Quality,
    DihedralTransform Transform,
    int? FrameSecond,
    DateTimeOffset AddedAt,
    bool Disabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProviderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MediaId)
{
    public static BankedHashView From(BankedHash h) =>
        new(h.EntryId, h.Pdq, h.Quality, h.Transform, h.FrameSecond, h.AddedAt, h.Disabled, h.Attribution?.OrderId, h.Attribution?.ProviderId, h.Attribution?.MediaId);
}

/// <param name="Transform">Which transform of the banked item the query resembles.</param>
public sealed record HashBankMatchView(
    string EntryId,
    string Pdq,
    int Quality,
    int Distance,
    DihedralTransform Transform,
    int? FrameSecond,
    DateTimeOffset AddedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProviderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MediaId)
{
    public static HashBankMatchView From(BankMatch m) =>
        new(m.Item.EntryId, m.Item.Pdq, m.Item.Quality, m.Distance, m.Item.Transform, m.Item.FrameSecond, m.Item.AddedAt, m.Item.Attribution?.OrderId, m.Item.Attribution?.ProviderId, m.Item.Attribution?.MediaId);
}

public sealed record HashLookupRequest(string? Pdq, IReadOnlyList<string?>? Pdqs, int? MaxDistance);

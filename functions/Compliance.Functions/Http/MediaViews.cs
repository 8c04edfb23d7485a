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

public sealed record HashBankMatchView(string Pdq, int Quality, int Distance, string OrderId, string ProviderId, string MediaId, int? FrameSecond, DateTimeOffset AddedAt)
{
    public static HashBankMatchView From(HashBankMatch m) =>
        new(m.Entry.Pdq, m.Entry.Quality, m.Distance, m.Entry.OrderId, m.Entry.ProviderId, m.Entry.MediaId, m.Entry.FrameSecond, m.Entry.AddedAt);
}

public sealed record HashLookupRequest(string? Pdq, int? MaxDistance);

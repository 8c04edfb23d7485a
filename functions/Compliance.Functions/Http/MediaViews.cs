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

/// <summary>
/// A banked hash as the caller may see it: attribution only for the commission and regulators
/// (and an order's own provider); a case id never reaches a provider.
/// </summary>
public record BankedHashView(
    string EntryId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pdq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Md5,
    int? Quality,
    DihedralTransform Transform,
    int? FrameSecond,
    DateTimeOffset AddedAt,
    bool Disabled,
    string Bank,
    string? LegalBasis,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProviderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MediaId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CaseId)
{
    public static BankedHashView From(BankedHash h) =>
        new(h.EntryId, h.Pdq, h.Md5, h.Quality, h.Transform, h.FrameSecond, h.AddedAt, h.Disabled, h.Bank, h.LegalBasis, h.Attribution?.OrderId, h.Attribution?.ProviderId, h.Attribution?.MediaId, h.Attribution?.CaseId);
}

/// <summary>A banked item a lookup found: the banked hash as the caller may see it, and how far the query is from it.</summary>
/// <remarks><c>transform</c> says which transform of the banked item the query resembles.</remarks>
public sealed record HashBankMatchView : BankedHashView
{
    private HashBankMatchView(BankedHashView item, int distance)
        : base(item) => Distance = distance;

    public int Distance { get; }

    public static HashBankMatchView From(BankMatch m) => new(BankedHashView.From(m.Item), m.Distance);
}

/// <summary>A banked video a video lookup matched, with vPDQ's two shares and the counts behind them.</summary>
public sealed record VideoMatchView(
    string EntryId,
    string Bank,
    string? LegalBasis,
    double QueryMatchShare,
    double BankedMatchShare,
    int QueryFramesMatched,
    int QueryFrames,
    int BankedFramesMatched,
    int BankedFrames,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProviderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MediaId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CaseId)
{
    public static VideoMatchView From(VideoMatch m) => new(
        m.EntryId, m.Bank, m.LegalBasis, m.QueryMatchShare, m.BankedMatchShare, m.QueryFramesMatched, m.QueryFrames, m.BankedFramesMatched, m.BankedFrames,
        m.Attribution?.OrderId, m.Attribution?.ProviderId, m.Attribution?.MediaId, m.Attribution?.CaseId);
}

public sealed record VideoLookupRequest(IReadOnlyList<string?>? Frames, int? MaxDistance);

public sealed record HashLookupRequest(string? Pdq, IReadOnlyList<string?>? Pdqs, string? Md5, int? MaxDistance);

public sealed record MediaListView(IReadOnlyList<MediaView> Media);

public sealed record HashBankLookupView(IReadOnlyList<HashBankMatchView> Matches);

public sealed record VideoLookupView(IReadOnlyList<VideoMatchView> Matches);

public sealed record HashBankExportView(IReadOnlyList<BankedHashView> Entries, string? ContinuationToken);

namespace Compliance.Media;

public enum MediaStatus
{
    Pending,
    Analysed,
    Rejected,
}

/// <summary>Why a blob was not analysed; it is moved to quarantine and never retried.</summary>
public enum RejectionReason
{
    UnsupportedType,
    TooLarge,
    DecodeFailed,
    TooManyPixels,
    TooLong,
    MetadataTooLarge,
    TimedOut,
    AnalysisFailed,
}

public enum MediaKind
{
    Jpeg,
    Png,
    Gif,
    Webp,
    Bmp,
    Mp4,
    Mov,
    Webm,
}

public static class MediaKinds
{
    public static bool IsVideo(this MediaKind kind) => kind is MediaKind.Mp4 or MediaKind.Mov or MediaKind.Webm;
}

/// <param name="FrameSecond">For video: the second of the frame this hash was taken from.</param>
/// <param name="Dihedral">
/// For images: the PDQ of the image after each <see cref="DihedralTransform"/>, in its order (the
/// first is <paramref name="Pdq"/>), so a provider's hash of a mirrored or rotated copy finds it.
/// </param>
public sealed record MediaHash(string Pdq, int Quality, int? FrameSecond, IReadOnlyList<string>? Dihedral = null);

/// <summary>The eight rotations and mirrorings of an image, named as Meta's PDQ tools name them.</summary>
public enum DihedralTransform
{
    Original,
    Rotate90,
    Rotate180,
    Rotate270,
    FlipX,
    FlipY,
    FlipPlus1,
    FlipMinus1,
}

/// <summary>A face box in the image's pixel coordinates.</summary>
public sealed record FaceFinding(double X, double Y, double Width, double Height, double Score, int? FrameSecond);

/// <summary>Declared AI generation: a C2PA manifest or an IPTC digital source type of generated media.</summary>
public sealed record ProvenanceFinding(bool AiDeclared, bool C2paManifest, string? DigitalSourceType, IReadOnlyList<string> Evidence);

public sealed record ClassifierFinding(string Model, string Version, double Score, double Threshold, bool Flagged);

/// <summary>Everything the analysis of one blob found.</summary>
public sealed record MediaAnalysis(
    MediaKind? Kind,
    RejectionReason? Rejection,
    string? RejectionDetail,
    long SizeBytes,
    int? Width,
    int? Height,
    double? DurationSeconds,
    IReadOnlyList<MediaHash> Hashes,
    IReadOnlyList<FaceFinding> Faces,
    ProvenanceFinding? Provenance,
    IReadOnlyList<ClassifierFinding> Classifications)
{
    /// <summary>SHA-256 (hex) of exactly the bytes analysed, so the evidence can be proven unchanged later.</summary>
    public string? Sha256 { get; init; }
}

/// <summary>One uploaded item of evidence attached to an order, and what its analysis found.</summary>
public sealed record MediaRecord(
    string OrderId,
    string MediaId,
    string ProviderId,
    MediaStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset PreserveUntil,
    DateTimeOffset? AnalysedAt,
    MediaAnalysis? Analysis,
    bool Purged);

public sealed record UploadTicket(string MediaId, Uri UploadUrl, DateTimeOffset ExpiresAt, long MaxBytes);

/// <summary>The banks entries go into: what was ordered down, and what victims asked to have deleted.</summary>
public static class BankNames
{
    public const string Orders = "takedown-orders";
    public const string VictimRequests = "victim-requests";
}

/// <summary>
/// A hash-bank entry: the PDQ (or, for a victim's file, the MD5) of ordered media or of one of its
/// transforms, with where it came from: an order's media, or a victim-support case. Disabled
/// entries (their order was withdrawn) stay on record but no longer match.
/// </summary>
/// <param name="MediaId">The banked item: a media id, or for a case the case's item id.</param>
public sealed record HashBankEntry(string Pdq, int? Quality, string OrderId, string ProviderId, string MediaId, int? FrameSecond, DateTimeOffset AddedAt)
{
    public DihedralTransform Transform { get; init; }

    public bool Disabled { get; init; }

    /// <summary>The victim-support case that banked it; null for an order's media.</summary>
    public string? CaseId { get; init; }

    public string Bank { get; init; } = BankNames.Orders;

    /// <summary>The legal basis of the order or case it came from: a provider's filter needs it to act.</summary>
    public string? LegalBasis { get; init; }

    /// <summary>MD5 (hex) of a victim's file, for an exact match; such an entry has no PDQ.</summary>
    public string? Md5 { get; init; }

    /// <summary>
    /// Names the banked item (media and frame) without saying whose order or which case it came
    /// from: other providers see only this, and can still report which entry stopped an upload.
    /// Computed once: lookups filter on it.
    /// </summary>
    public string EntryId { get; } = IdOf(MediaId, FrameSecond);

    /// <summary>
    /// The banked item as a whole: for an image its <see cref="EntryId"/>, for a video the video (not
    /// one frame). Match reports and per-provider disables name items, so a video is disabled whole.
    /// </summary>
    public string ItemId => FrameSecond is null ? EntryId : IdOf(MediaId, null);

    public static string IdOf(string mediaId, int? frameSecond) =>
        "hb-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{mediaId}|{frameSecond}")))[..20];
}

public sealed record HashBankMatch(HashBankEntry Entry, int Distance);

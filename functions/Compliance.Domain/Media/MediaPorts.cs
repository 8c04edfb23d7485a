namespace Compliance.Media;

public interface IMediaStore
{
    Task CreateAsync(MediaRecord record, CancellationToken cancellationToken);

    Task<MediaRecord?> FindAsync(string orderId, string mediaId, CancellationToken cancellationToken);

    Task<IReadOnlyList<MediaRecord>> ListAsync(string orderId, CancellationToken cancellationToken);

    Task SaveAsync(MediaRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<MediaRecord>> DueForPurgeAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The media containers: upload URLs, reading, quarantine and deletion.</summary>
public interface IMediaBlobs
{
    Task<Uri> CreateUploadUrlAsync(string orderId, string mediaId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task QuarantineAsync(string orderId, string mediaId, RejectionReason reason, CancellationToken cancellationToken);

    Task DeleteAsync(string orderId, string mediaId, CancellationToken cancellationToken);
}

public interface IMediaAnalyser
{
    /// <summary>Reads at most the size limit plus one byte, so an oversized blob is refused without being read whole.</summary>
    Task<MediaAnalysis> AnalyseAsync(Stream content, CancellationToken cancellationToken);
}

/// <summary>
/// A lookup: PDQ hashes (a rotated or mirrored copy matches one of the banked transforms), MD5s for
/// exact matches, and the provider whose filter asks (entries it reported as false positives stay out for it).
/// </summary>
public sealed record BankQuery(IReadOnlyList<string> Pdqs, IReadOnlyList<string> Md5s, int MaxDistance, int MaxMatches, string? ForProviderId);

/// <summary>A video lookup: the query video's frame hashes, one per second.</summary>
public sealed record VideoBankQuery(IReadOnlyList<string> Frames, int MaxDistance, string? ForProviderId);

/// <summary>
/// A banked video some query frames came near: how many of the query's frames found one of its
/// frames, and how many of its banked frames were found (vPDQ's two shares, before any threshold).
/// </summary>
/// <param name="Video">One of its frame entries: the source, bank and legal basis of the whole video.</param>
public sealed record VideoBankMatch(HashBankEntry Video, int QueryFramesMatched, int QueryFrames, int BankedFramesMatched, int BankedFrames)
{
    public double QueryMatchShare => QueryFrames == 0 ? 0 : (double)QueryFramesMatched / QueryFrames;

    public double BankedMatchShare => BankedFrames == 0 ? 0 : (double)BankedFramesMatched / BankedFrames;
}

public interface IHashBank
{
    Task AddAsync(IReadOnlyList<HashBankEntry> entries, CancellationToken cancellationToken);

    /// <summary>Each banked item at most once (its closest transform), closest first, at most <c>MaxMatches</c>; disabled entries never.</summary>
    Task<IReadOnlyList<HashBankMatch>> LookupAsync(BankQuery query, CancellationToken cancellationToken);

    /// <summary>Every banked video at least one query frame came within the distance of, with vPDQ's counts.</summary>
    Task<IReadOnlyList<VideoBankMatch>> LookupVideoAsync(VideoBankQuery query, CancellationToken cancellationToken);

    /// <summary>The banked item (its original transform, or a video's first frame) under an entry or item id.</summary>
    Task<HashBankEntry?> FindAsync(string entryId, CancellationToken cancellationToken);

    /// <summary>Stops the entries of an order from matching (its order was withdrawn); they stay in the export, marked disabled.</summary>
    Task DisableOrderAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Stops one banked item from matching for one provider (it reported a false positive), as HMA's per-hash disable does.</summary>
    Task DisableForProviderAsync(string providerId, string entryId, CancellationToken cancellationToken);

    /// <summary>Writes what this instance holds as the snapshot a new instance loads in seconds instead of reading every row.</summary>
    Task SaveSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>Entries added since a time, a page at a time; marked disabled if withdrawn, or reported by <paramref name="forProviderId"/> as a false positive.</summary>
    Task<(IReadOnlyList<HashBankEntry> Entries, string? ContinuationToken)> ExportAsync(DateTimeOffset since, string? continuationToken, int pageSize, string? forProviderId, CancellationToken cancellationToken);
}

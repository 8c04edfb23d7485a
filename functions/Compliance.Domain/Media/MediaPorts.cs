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

public interface IHashBank
{
    Task AddAsync(IReadOnlyList<HashBankEntry> entries, CancellationToken cancellationToken);

    /// <summary>Each banked item at most once (its closest transform), closest first, at most <paramref name="maxMatches"/>; disabled entries never.</summary>
    Task<IReadOnlyList<HashBankMatch>> LookupAsync(IReadOnlyList<string> pdqHashes, int maxDistance, int maxMatches, CancellationToken cancellationToken);

    /// <summary>Stops the entries of an order from matching (its order was withdrawn); they stay in the export, marked disabled.</summary>
    Task DisableOrderAsync(string orderId, CancellationToken cancellationToken);

    Task<(IReadOnlyList<HashBankEntry> Entries, string? ContinuationToken)> ExportAsync(DateTimeOffset since, string? continuationToken, int pageSize, CancellationToken cancellationToken);
}

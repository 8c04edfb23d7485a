using System.Security.Cryptography;
using Compliance.Access;
using Compliance.HashBank;
using Compliance.Media;
using Compliance.Orders;
using Compliance.Problems;
using Compliance.Regimes;

namespace Compliance.Application;

/// <summary>
/// Evidence media of orders: upload tickets, analysis of uploaded blobs (quarantining what cannot
/// be analysed), the hash bank built from everything ordered down, and deletion once the regime's
/// preservation period is over (only the hashes stay).
/// </summary>
public sealed class MediaService(
    IOrderStore orders,
    IMediaStore media,
    IMediaBlobs blobs,
    IMediaAnalyser analyser,
    IImageLookupHasher lookupHasher,
    IHashBank bank,
    IEventOutbox events,
    RegimeCatalog regimes,
    MediaOptions options,
    TimeProvider time)
{
    public async Task<UploadTicket> CreateUploadAsync(Caller caller, string orderId, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission);
        var order = await VisibleOrderAsync(caller, orderId, cancellationToken);
        var now = time.ReceiptTime();
        var mediaId = "med-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var preservation = regimes.Find(order.LegalBasis)?.Preservation ?? new CalendarPeriod(0, 6, 0);
        var record = new MediaRecord(order.OrderId, mediaId, order.ProviderId, MediaStatus.Pending, now, preservation.AddTo(now), null, null, false);
        await media.CreateAsync(record, cancellationToken);
        var expiresAt = now + options.UploadUrlLifetime;
        var url = await blobs.CreateUploadUrlAsync(order.OrderId, mediaId, expiresAt, cancellationToken);
        return new UploadTicket(mediaId, url, expiresAt, options.MaxBytes);
    }

    public async Task<MediaRecord> GetAsync(Caller caller, string orderId, string mediaId, CancellationToken cancellationToken)
    {
        await VisibleOrderAsync(caller, orderId, cancellationToken);
        return await media.FindAsync(orderId, mediaId, cancellationToken) ?? throw ComplianceProblem.NotFound("Media");
    }

    public async Task<IReadOnlyList<MediaRecord>> ListAsync(Caller caller, string orderId, CancellationToken cancellationToken)
    {
        await VisibleOrderAsync(caller, orderId, cancellationToken);
        return await media.ListAsync(orderId, cancellationToken);
    }

    /// <summary>
    /// Analyses one uploaded blob. Safe to run again for the same blob (a redelivered trigger): an
    /// item already analysed or rejected is left as it is, and bank entries are keyed by media and frame.
    /// </summary>
    public async Task<MediaStatus?> AnalyseAsync(string orderId, string mediaId, Stream content, CancellationToken cancellationToken)
    {
        var record = await media.FindAsync(orderId, mediaId, cancellationToken);
        if (record is null)
        {
            // Not issued through an upload ticket: keep it out of the evidence.
            await blobs.QuarantineAsync(orderId, mediaId, RejectionReason.UnsupportedType, cancellationToken);
            return null;
        }

        if (record.Status != MediaStatus.Pending)
        {
            if (record.Analysis?.Rejection is { } pendingQuarantine)
            {
                // Finish a quarantine that an earlier run recorded but did not complete.
                await blobs.QuarantineAsync(orderId, mediaId, pendingQuarantine, cancellationToken);
            }

            return record.Status;
        }

        var analysis = await analyser.AnalyseAsync(content, cancellationToken);
        var now = time.ReceiptTime();
        var result = record with { Status = analysis.Rejection is null ? MediaStatus.Analysed : MediaStatus.Rejected, AnalysedAt = now, Analysis = analysis };
        if (analysis.Rejection is null)
        {
            var legalBasis = (await orders.FindAsync(record.ProviderId, orderId, cancellationToken))?.Order.LegalBasis;
            await bank.AddAsync(BankEntries(analysis, record, legalBasis, now), cancellationToken);
        }

        // Each step can be repeated by a re-run after a crash: the event is keyed by media, the
        // record is written before the blob moves (a re-run finishes the move, above).
        await events.EnqueueAsync(result, cancellationToken);
        await media.SaveAsync(result, cancellationToken);
        if (analysis.Rejection is { } reason)
        {
            Compliance.Telemetry.ComplianceTelemetry.MediaRejected.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
            await blobs.QuarantineAsync(orderId, mediaId, reason, cancellationToken);
        }

        return result.Status;
    }

    public const int MaxLookupHashes = 8;

    /// <summary>
    /// Looks up one PDQ hash, or up to eight (a caller that hashed every orientation itself). One
    /// hash is enough for a rotated or mirrored copy: the bank holds every transform of each image.
    /// </summary>
    public async Task<IReadOnlyList<BankMatch>> LookupAsync(Caller caller, string? pdq, IReadOnlyList<string?>? pdqs, string? md5, int? maxDistance, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Provider, Role.Regulator, Role.Commission);
        var check = new RequestValidation();
        var hashes = new List<string>();
        var md5s = md5 is null ? [] : new List<string> { Md5(check, "md5", md5) };
        if ((pdq is null) == (pdqs is null) && md5 is null)
        {
            check.Add("pdq", "give either pdq (one hash) or pdqs (1 to 8 hashes), or md5");
        }
        else if (pdq is not null && pdqs is not null)
        {
            check.Add("pdq", "give either pdq (one hash) or pdqs (1 to 8 hashes), not both");
        }
        else if (pdq is not null)
        {
            hashes.Add(Pdq(check, "pdq", pdq));
        }
        else if (pdqs is null)
        {
            // An MD5 alone: an exact lookup.
        }
        else if (pdqs.Count is < 1 or > MaxLookupHashes)
        {
            check.Add("pdqs", $"must list 1 to {MaxLookupHashes} hashes");
        }
        else
        {
            hashes.AddRange(pdqs.Select((h, i) => Pdq(check, $"pdqs[{i}]", h)));
        }

        var distance = Distance(check, maxDistance);
        check.ThrowIfInvalid();
        return Counted("hash", Disclose(caller, await bank.LookupAsync(new BankQuery(hashes, md5s, distance, options.MaxMatches, caller.ProviderId), cancellationToken)));
    }

    /// <summary>
    /// Looks a video up by its frame hashes (one per second, as the bank holds them): a banked video
    /// matches when enough of the query's frames and enough of its own frames match (vPDQ's rule),
    /// so a trimmed, resized or re-encoded copy is found and a video sharing a frame or two is not.
    /// </summary>
    public async Task<IReadOnlyList<VideoMatch>> LookupVideoAsync(Caller caller, IReadOnlyList<string?>? frames, int? maxDistance, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Provider, Role.Regulator, Role.Commission);
        var check = new RequestValidation();
        var hashes = new List<string>();
        if (frames is not { Count: > 0 } || frames.Count > options.MaxVideoFrames)
        {
            check.Add("frames", $"must list 1 to {options.MaxVideoFrames} frame hashes, one per second");
        }
        else
        {
            hashes.AddRange(frames.Select((h, i) => Pdq(check, $"frames[{i}]", h)));
        }

        var distance = Distance(check, maxDistance);
        check.ThrowIfInvalid();
        var candidates = await bank.LookupVideoAsync(new VideoBankQuery(hashes, distance, caller.ProviderId), cancellationToken);
        return Counted("video", candidates
            .Where(c => c.QueryMatchShare >= options.VideoQueryMatchShare && c.BankedMatchShare >= options.VideoBankedMatchShare)
            .OrderByDescending(c => c.QueryMatchShare)
            .ThenByDescending(c => c.BankedMatchShare)
            .ThenBy(c => c.Video.ItemId, StringComparer.Ordinal)
            .Take(options.MaxMatches)
            .Select(c => VideoMatch.Disclose(caller, c))
            .ToList());
    }

    private static List<T> Counted<T>(string kind, List<T> matches)
    {
        Compliance.Telemetry.ComplianceTelemetry.Lookups.Add(1, new("kind", kind), new("matched", matches.Count > 0));
        return matches;
    }

    /// <summary>Looks an image up in all eight orientations, so a rotated or mirrored copy still matches.</summary>
    public async Task<IReadOnlyList<BankMatch>> LookupImageAsync(Caller caller, Stream image, int? maxDistance, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Provider, Role.Regulator, Role.Commission);
        var check = new RequestValidation();
        var distance = Distance(check, maxDistance);
        var hashes = await lookupHasher.DihedralHashesAsync(image, cancellationToken);
        if (hashes is null)
        {
            check.Add("image", "must be a decodable JPEG, PNG, GIF, WebP or BMP image within the size limits");
        }

        check.ThrowIfInvalid();
        return Counted("image", Disclose(caller, await bank.LookupAsync(new BankQuery(hashes!, [], distance, options.MaxMatches, caller.ProviderId), cancellationToken)));
    }

    public async Task<(IReadOnlyList<BankedHash> Entries, string? ContinuationToken)> ExportAsync(Caller caller, DateTimeOffset? since, string? continuationToken, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Provider, Role.Regulator, Role.Commission);
        var (entries, next) = await bank.ExportAsync(since ?? DateTimeOffset.UnixEpoch, continuationToken, 1000, caller.ProviderId, cancellationToken);
        return (entries.Select(e => BankedHash.Disclose(caller, e)).ToList(), next);
    }

    /// <summary>
    /// What analysis adds to the bank: every hash of good enough quality, each image in all eight
    /// transforms. A black or flat frame (low quality) is left out, as it would match unrelated media.
    /// </summary>
    private List<HashBankEntry> BankEntries(MediaAnalysis analysis, MediaRecord record, string? legalBasis, DateTimeOffset now) =>
        analysis.Hashes
            .Where(h => h.Quality >= options.MinBankQuality)
            .SelectMany(h => (h.Dihedral ?? [h.Pdq]).Select((pdq, transform) =>
                new HashBankEntry(pdq, h.Quality, record.OrderId, record.ProviderId, record.MediaId, h.FrameSecond, now) { Transform = (DihedralTransform)transform, LegalBasis = legalBasis }))
            .ToList();

    private static List<BankMatch> Disclose(Caller caller, IReadOnlyList<HashBankMatch> matches) =>
        matches.Select(m => new BankMatch(BankedHash.Disclose(caller, m.Entry), m.Distance)).ToList();

    internal static string Pdq(RequestValidation check, string field, string? value) => Hex(check, field, value, 64);

    internal static string Md5(RequestValidation check, string field, string? value) => Hex(check, field, value, 32);

    private static string Hex(RequestValidation check, string field, string? value, int length)
    {
        if (value is null || value.Length != length || !value.All(char.IsAsciiHexDigit))
        {
            check.Add(field, $"must be {length} hexadecimal characters");
            return string.Empty;
        }

        return value.ToLowerInvariant();
    }

    /// <summary>Deletes media whose preservation period is over; the bank keeps its hashes.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var purged = 0;
        foreach (var record in await media.DueForPurgeAsync(time.GetUtcNow(), cancellationToken))
        {
            await blobs.DeleteAsync(record.OrderId, record.MediaId, cancellationToken);
            await media.SaveAsync(record with { Purged = true }, cancellationToken);
            purged++;
        }

        return purged;
    }

    private int Distance(RequestValidation check, int? requested)
    {
        var distance = requested ?? options.MatchDistance;
        if (distance is < 0 or > 64)
        {
            check.Add("maxDistance", "must be between 0 and 64");
        }

        return distance;
    }

    private async Task<TakedownOrder> VisibleOrderAsync(Caller caller, string orderId, CancellationToken cancellationToken) =>
        (await orders.LoadVisibleAsync(caller, orderId, cancellationToken)).Order;
}

using System.Security.Cryptography;
using Compliance.Access;
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
        var preservation = regimes.Find(order.LegalBasis)?.Preservation ?? TimeSpan.FromDays(180);
        var record = new MediaRecord(order.OrderId, mediaId, order.ProviderId, MediaStatus.Pending, now, now + preservation, null, null, false);
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
            await bank.AddAsync(
                analysis.Hashes.Select(h => new HashBankEntry(h.Pdq, h.Quality, orderId, record.ProviderId, mediaId, h.FrameSecond, now)).ToList(),
                cancellationToken);
        }

        // Each step can be repeated by a re-run after a crash: the event is keyed by media, the
        // record is written before the blob moves (a re-run finishes the move, above).
        await events.EnqueueAsync(result, cancellationToken);
        await media.SaveAsync(result, cancellationToken);
        if (analysis.Rejection is { } reason)
        {
            await blobs.QuarantineAsync(orderId, mediaId, reason, cancellationToken);
        }

        return result.Status;
    }

    public async Task<IReadOnlyList<HashBankMatch>> LookupAsync(Caller caller, string? pdq, int? maxDistance, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Provider, Role.Regulator, Role.Commission);
        var check = new RequestValidation();
        if (pdq is null || pdq.Length != 64 || !pdq.All(char.IsAsciiHexDigit))
        {
            check.Add("pdq", "must be 64 hexadecimal characters");
        }

        var distance = Distance(check, maxDistance);
        check.ThrowIfInvalid();
        return await bank.LookupAsync([pdq!.ToLowerInvariant()], distance, cancellationToken);
    }

    /// <summary>Looks an image up in all eight orientations, so a rotated or mirrored copy still matches.</summary>
    public async Task<IReadOnlyList<HashBankMatch>> LookupImageAsync(Caller caller, Stream image, int? maxDistance, CancellationToken cancellationToken)
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
        return await bank.LookupAsync(hashes!, distance, cancellationToken);
    }

    public Task<(IReadOnlyList<HashBankEntry> Entries, string? ContinuationToken)> ExportAsync(Caller caller, DateTimeOffset? since, string? continuationToken, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Provider, Role.Regulator, Role.Commission);
        return bank.ExportAsync(since ?? DateTimeOffset.UnixEpoch, continuationToken, 1000, cancellationToken);
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

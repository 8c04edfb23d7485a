using Compliance.Access;
using Compliance.Application;
using Compliance.Media;
using Compliance.Orders;
using Compliance.Problems;
using Compliance.Regimes;

namespace Compliance.Cases;

/// <summary>A case as its viewer may see it; personal data only for the support centre that opened it.</summary>
public sealed record CaseDetails(VictimCase Case, IReadOnlyList<TakedownOrder> Orders, ReuploadCounts Reuploads, string? Note, string? Contact, DateTimeOffset? OutcomeNoticeDueBy);

/// <summary>What a victim sees with the access code: the orders' providers, statuses and deadlines, and re-uploads stopped.</summary>
public sealed record CaseStatusReport(string CaseId, string LegalBasis, CaseStatus Status, DateTimeOffset OpenedAt, IReadOnlyList<TakedownOrder> Orders, ReuploadCounts Reuploads);

/// <summary>
/// Victim-support cases: a support centre asks for deletion with hashes only. Opening a case issues
/// one order per provider named and banks the hashes, so every provider's upload filter stops
/// re-uploads; the victim follows the case with an access code instead of an account.
/// </summary>
public sealed class CaseService(
    ICaseStore cases,
    ICaseSecrets secrets,
    OrderService orders,
    IOrderStore orderStore,
    IHashBank bank,
    IMatchReportStore reports,
    MediaOptions media,
    TimeProvider time)
{
    public const int MaxHashes = 100;
    public const int MaxLocations = 50;
    public const int MaxPersonalText = 1000;

    public async Task<(VictimCase Case, string AccessCode)> OpenAsync(Caller caller, OpenCaseRequest request, string requestKey, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Support);
        var check = new RequestValidation();
        var legalBasis = check.Text("legalBasis", request.LegalBasis, 64);
        var hashes = Hashes(check, request.Hashes);
        var locations = Locations(check, request.Locations);
        var note = check.OptionalText("note", request.Note, MaxPersonalText);
        var contact = check.OptionalText("contact", request.Contact, MaxPersonalText);
        check.ThrowIfInvalid();
        var regime = orders.RegimeFor(legalBasis);
        if (!regime.VictimRequests)
        {
            throw new ComplianceProblem(ProblemKind.RegimeNotForVictims, $"{regime.Code} does not provide for requests by or for victims; cases take a regime that does.");
        }

        var byProvider = locations.GroupBy(l => l.ProviderId, StringComparer.Ordinal).ToList();
        foreach (var provider in byProvider)
        {
            await orders.RequireProviderAsync(provider.Key, cancellationToken);
        }

        var caseId = CaseIds.For(requestKey);
        var fingerprint = Fingerprint(caller, request with { Note = null, Contact = null });
        if (await cases.FindAsync(caseId, cancellationToken) is { } existing)
        {
            return existing.RequestFingerprint == fingerprint
                ? (existing, secrets.AccessCode(caseId))
                : throw new ComplianceProblem(ProblemKind.IdempotencyKeyReused, "This Idempotency-Key already opened a case with other content; a new case needs a new key.");
        }

        // Orders and bank entries are keyed by the request, so a retry after a crash lands on the
        // same ones; the case row comes last and makes the case visible.
        var now = time.ReceiptTime();
        var issued = new List<CaseOrder>();
        foreach (var provider in byProvider)
        {
            var items = provider.Select(l => new OrderItem(l.Url, null)).ToList();
            var order = await orders.IssueForCaseAsync(caller, provider.Key, regime, items, $"{requestKey}|{provider.Key}", cancellationToken);
            issued.Add(new CaseOrder(provider.Key, order.OrderId));
        }

        await bank.AddAsync(BankEntries(caseId, regime.Code, hashes, now), cancellationToken);
        var opened = new VictimCase(
            caseId,
            regime.Code,
            caller.Subject,
            now,
            issued,
            hashes.Count,
            note is null ? null : secrets.Protect(caseId, note),
            contact is null ? null : secrets.Protect(caseId, contact),
            CaseStatus.Open,
            null,
            null,
            fingerprint);
        if (!await cases.TryCreateAsync(opened, cancellationToken))
        {
            return await OpenAsync(caller, request, requestKey, cancellationToken);
        }

        return (opened, secrets.AccessCode(caseId));
    }

    /// <summary>The case for the support centre that opened it (with its personal data), the commission and regulators (without).</summary>
    public async Task<CaseDetails> GetAsync(Caller caller, string caseId, CancellationToken cancellationToken)
    {
        var found = await VisibleAsync(caller, caseId, cancellationToken);
        var owner = caller.Role == Role.Support;
        return new CaseDetails(
            found,
            await OrdersOfAsync(found, cancellationToken),
            ReuploadCounts.Of(await reports.ForSourceAsync(found.CaseId, cancellationToken)),
            owner && found.ProtectedNote is { } n ? secrets.Unprotect(found.CaseId, n) : null,
            owner && found.ProtectedContact is { } c ? secrets.Unprotect(found.CaseId, c) : null,
            orders.RegimeFor(found.LegalBasis).RequesterNoticeWithin?.AddTo(found.OpenedAt));
    }

    /// <summary>
    /// The victim's view, by case id and access code alone. A wrong or missing code is "not found",
    /// exactly as an unknown case is, so the answer tells a guesser nothing.
    /// </summary>
    public async Task<CaseStatusReport> StatusAsync(string caseId, string? accessCode, CancellationToken cancellationToken)
    {
        if (!CaseIds.LooksValid(caseId) || !secrets.IsAccessCode(caseId, accessCode) || await cases.FindAsync(caseId, cancellationToken) is not { } found)
        {
            throw ComplianceProblem.NotFound("Case");
        }

        return new CaseStatusReport(found.CaseId, found.LegalBasis, found.Status, found.OpenedAt, await OrdersOfAsync(found, cancellationToken), ReuploadCounts.Of(await reports.ForSourceAsync(found.CaseId, cancellationToken)));
    }

    /// <summary>Closes the case; its personal data is erased once the regime's retention period after closing is over.</summary>
    public async Task<VictimCase> CloseAsync(Caller caller, string caseId, CloseCaseRequest request, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Support);
        var found = await VisibleAsync(caller, caseId, cancellationToken);
        var check = new RequestValidation();
        _ = check.OptionalText("reason", request.Reason);
        check.ThrowIfInvalid();
        if (found.Status == CaseStatus.Closed)
        {
            return found;
        }

        var now = time.ReceiptTime();
        var regime = orders.RegimeFor(found.LegalBasis);
        var closed = found with { Status = CaseStatus.Closed, ClosedAt = now, PersonalDataDeleteAfter = (regime.RecordsRetention ?? regime.Preservation).AddTo(now) };
        await cases.SaveAsync(closed, cancellationToken);
        return closed;
    }

    /// <summary>Erases the note and contact of closed cases whose retention is over; the case record and its figures stay.</summary>
    public async Task<int> EraseExpiredPersonalDataAsync(CancellationToken cancellationToken)
    {
        var erased = 0;
        foreach (var due in await cases.DueForErasureAsync(time.GetUtcNow(), cancellationToken))
        {
            await cases.SaveAsync(due with { ProtectedNote = null, ProtectedContact = null }, cancellationToken);
            erased++;
        }

        return erased;
    }

    private async Task<VictimCase> VisibleAsync(Caller caller, string caseId, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Support, Role.Commission, Role.Regulator);
        var found = CaseIds.LooksValid(caseId) ? await cases.FindAsync(caseId, cancellationToken) : null;
        // Another centre's case is absent, not forbidden: its existence is nobody else's business.
        return found is null || (caller.Role == Role.Support && found.OpenedBy != caller.Subject)
            ? throw ComplianceProblem.NotFound("Case")
            : found;
    }

    private async Task<IReadOnlyList<TakedownOrder>> OrdersOfAsync(VictimCase found, CancellationToken cancellationToken)
    {
        var list = new List<TakedownOrder>();
        foreach (var entry in found.Orders)
        {
            if (await orderStore.FindAsync(entry.ProviderId, entry.OrderId, cancellationToken) is { } stored)
            {
                list.Add(stored.Order);
            }
        }

        return list;
    }

    private List<CaseHash> Hashes(RequestValidation check, IReadOnlyList<CaseHashRequest?>? items)
    {
        var hashes = new List<CaseHash>();
        if (items is not { Count: > 0 } || items.Count > MaxHashes)
        {
            check.Add("hashes", $"must list 1 to {MaxHashes} hashes");
            return hashes;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var field = $"hashes[{i}]";
            var item = items[i];
            var given = new object?[] { item?.Pdq, item?.Pdqs, item?.Md5, item?.Frames }.Count(v => v is not null);
            if (item is null || given != 1)
            {
                check.Add(field, "must give exactly one of pdq, pdqs (the eight transforms), md5 or frames");
                continue;
            }

            if (item.Quality is { } quality && (quality < media.MinBankQuality || quality > 100))
            {
                check.Add($"{field}.quality", $"must be {media.MinBankQuality} to 100: a hash of lower quality (a flat or dark image) would match unrelated media");
            }

            foreach (var (hash, name) in new[] { (item.Pdq, "pdq") }.Concat((item.Pdqs ?? []).Select((h, t) => (h, $"pdqs[{t}]"))).Concat((item.Frames ?? []).Select((h, f) => (h, $"frames[{f}]"))))
            {
                if (hash is { Length: 64 } && hash.All(char.IsAsciiHexDigit) && !LooksLikeAnImage(hash))
                {
                    check.Add($"{field}.{name}", "is not the PDQ of an image with detail (about half its bits are set in a real one): it would match unrelated media");
                }
            }

            if (item.Pdq is not null)
            {
                hashes.Add(new CaseHash([MediaService.Pdq(check, $"{field}.pdq", item.Pdq)], null, false, item.Quality));
            }
            else if (item.Pdqs is { } transforms)
            {
                if (transforms.Count != MediaService.MaxLookupHashes)
                {
                    check.Add($"{field}.pdqs", "must list the eight transforms in the order `compliance hash --dihedral` prints them");
                }

                hashes.Add(new CaseHash(transforms.Select((h, t) => MediaService.Pdq(check, $"{field}.pdqs[{t}]", h)).ToList(), null, false, item.Quality));
            }
            else if (item.Md5 is not null)
            {
                hashes.Add(new CaseHash([], MediaService.Md5(check, $"{field}.md5", item.Md5), false, item.Quality));
            }
            else if (item.Frames is { Count: > 0 } frames && frames.Count <= media.MaxVideoFrames)
            {
                hashes.Add(new CaseHash(frames.Select((h, f) => MediaService.Pdq(check, $"{field}.frames[{f}]", h)).ToList(), null, true, item.Quality));
            }
            else
            {
                check.Add($"{field}.frames", $"must list 1 to {media.MaxVideoFrames} frame hashes, one per second");
            }
        }

        return hashes;
    }

    /// <summary>
    /// PDQ sets a bit where a coefficient is above the median, so an image with any detail has about
    /// 128 of 256 bits set; a hash far from that (all zeros, say) comes from a flat image or no image,
    /// and in a bank every platform's filter reads it would block unrelated uploads.
    /// </summary>
    private static bool LooksLikeAnImage(string hex)
    {
        var bits = Convert.FromHexString(hex).Sum(b => System.Numerics.BitOperations.PopCount(b));
        return bits is >= 96 and <= 160;
    }

    private static List<(string ProviderId, string Url)> Locations(RequestValidation check, IReadOnlyList<CaseLocationRequest?>? items)
    {
        var locations = new List<(string, string)>();
        if (items is not { Count: > 0 } || items.Count > MaxLocations)
        {
            check.Add("locations", $"must list 1 to {MaxLocations} locations");
            return locations;
        }

        for (var i = 0; i < items.Count; i++)
        {
            locations.Add((check.Identifier($"locations[{i}].providerId", items[i]?.ProviderId), check.Url($"locations[{i}].url", items[i]?.Url)));
        }

        return locations;
    }

    /// <summary>Each hash of the case as bank entries: an image in every transform given, a video frame by frame.</summary>
    private static List<HashBankEntry> BankEntries(string caseId, string legalBasis, IReadOnlyList<CaseHash> hashes, DateTimeOffset now) =>
        hashes.SelectMany((hash, i) =>
        {
            var item = $"{caseId}-h{i:D3}";
            HashBankEntry Entry(string pdq, int? frame) => new(pdq, hash.Quality, string.Empty, string.Empty, item, frame, now)
            {
                CaseId = caseId,
                Bank = BankNames.VictimRequests,
                LegalBasis = legalBasis,
            };
            return hash.Md5 is { } md5
                ? [Entry(string.Empty, null) with { Md5 = md5 }]
                : hash.IsVideo
                    ? hash.Pdqs.Select((pdq, second) => Entry(pdq, second))
                    : hash.Pdqs.Select((pdq, transform) => Entry(pdq, null) with { Transform = (DihedralTransform)transform });
        }).ToList();

    /// <summary>What was asked, without the personal data and keyed, so a stored fingerprint reveals nothing.</summary>
    private string Fingerprint(Caller caller, OpenCaseRequest request) =>
        secrets.Fingerprint(System.Text.Json.JsonSerializer.Serialize(new { caller.Subject, request }));

    private sealed record CaseHash(IReadOnlyList<string> Pdqs, string? Md5, bool IsVideo, int? Quality);
}

internal static class CaseIds
{
    /// <summary>Derived from the centre and the key, so a retry that races a crash opens the same case.</summary>
    public static string For(string requestKey) => DerivedIds.From("case-", "case|" + requestKey);

    public static bool LooksValid(string caseId) =>
        caseId.Length == 29 && caseId.StartsWith("case-", StringComparison.Ordinal) && caseId[5..].All(char.IsAsciiHexDigitLower);
}

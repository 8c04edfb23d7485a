using Compliance.Access;
using Compliance.Application;
using Compliance.Media;
using Compliance.Problems;

namespace Compliance.Cases;

/// <summary>
/// Closes the re-upload loop: a provider's filter reports what it did with a match, which feeds the
/// case's and the victim's figures and the regulators' per-provider and per-regime figures. A
/// false positive stops that banked item from matching for that provider only.
/// </summary>
public sealed class MatchReportService(IHashBank bank, IMatchReportStore reports, MediaOptions media, TimeProvider time)
{
    private static readonly TimeSpan ClaimSkew = TimeSpan.FromMinutes(5);

    public async Task<MatchReport> ReportAsync(Caller caller, MatchReportRequest request, string requestKey, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Provider);
        var check = new RequestValidation();
        if ((request.Pdq is null) == (request.EntryId is null))
        {
            check.Add("pdq", "give either pdq (the hash the filter matched) or entryId (the banked item it matched)");
        }

        var pdq = request.Pdq is null ? null : MediaService.Pdq(check, "pdq", request.Pdq);
        var action = check.Choice<MatchAction>("action", request.Action);
        var at = check.Time("at", request.At);
        var now = time.ReceiptTime();
        if (request.At is { } claimed && claimed > now + ClaimSkew)
        {
            check.Add("at", "must not be in the future");
        }

        check.ThrowIfInvalid();
        var entry = pdq is not null
            ? await ClosestAsync(pdq, cancellationToken)
            : await bank.FindAsync(request.EntryId!, cancellationToken);
        if (entry is null)
        {
            throw new ComplianceProblem(ProblemKind.NoBankMatch, "Nothing in the hash bank is within the match distance of this hash (or no item has this entry id): there is no match to report.");
        }

        var report = new MatchReport(DerivedIds.From("mr-", "match|" + requestKey), caller.ProviderId!, entry.ItemId, action, at, now, entry.CaseId, entry.CaseId is null ? entry.OrderId : null, entry.LegalBasis, entry.Bank);
        if (!await reports.TryAddAsync(report, cancellationToken))
        {
            report = await reports.FindAsync(report.SourceKey, report.ReportId, cancellationToken) ?? report;
        }

        Compliance.Telemetry.ComplianceTelemetry.MatchReports.Add(1, new("action", report.Action.ToString()), Compliance.Telemetry.ComplianceTelemetry.Basis(report.LegalBasis ?? "unknown"));
        if (report.Action == MatchAction.FalsePositive)
        {
            await bank.DisableForProviderAsync(report.ProviderId, report.EntryId, cancellationToken);
        }

        return report;
    }

    /// <summary>Re-upload figures per provider and per legal basis over [from, to) (default: the last 30 days).</summary>
    public async Task<ReuploadFigures> FiguresAsync(Caller caller, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission, Role.Regulator);
        // By default up to and including now: the period is half-open and times are kept to the
        // millisecond, so the end is the next millisecond (Azurite compares times as text, so a
        // bound finer than what is stored would compare wrongly there).
        var end = to ?? time.ReceiptTime().AddMilliseconds(1);
        var start = from ?? end.AddDays(-30);
        if (start >= end)
        {
            throw new ComplianceProblem(ProblemKind.InvalidQuery, "from must be before to.");
        }

        return ReuploadFigures.Of(start, end, await reports.ReceivedBetweenAsync(start, end, cancellationToken));
    }

    private async Task<HashBankEntry?> ClosestAsync(string pdq, CancellationToken cancellationToken)
    {
        var matches = await bank.LookupAsync(new BankQuery([pdq], [], media.MatchDistance, 1, null), cancellationToken);
        return matches.Count > 0 ? matches[0].Entry : null;
    }
}

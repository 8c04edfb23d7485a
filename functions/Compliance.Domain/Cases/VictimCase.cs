namespace Compliance.Cases;

public enum CaseStatus
{
    Open,
    Closed,
}

/// <summary>The order a case issued to one provider.</summary>
public sealed record CaseOrder(string ProviderId, string OrderId);

/// <summary>
/// A victim-support centre's request for deletion on a victim's behalf: hashes only, never the
/// image. The note and any contact detail are personal data: stored only encrypted, and erased once
/// the case is closed and the regime's retention period is over.
/// </summary>
/// <param name="OpenedBy">The support centre (its token's subject), the requester of every order.</param>
/// <param name="RequestFingerprint">What was asked, so a retry under the same key is told apart from another request.</param>
public sealed record VictimCase(
    string CaseId,
    string LegalBasis,
    string OpenedBy,
    DateTimeOffset OpenedAt,
    IReadOnlyList<CaseOrder> Orders,
    int HashCount,
    string? ProtectedNote,
    string? ProtectedContact,
    CaseStatus Status,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? PersonalDataDeleteAfter,
    string RequestFingerprint)
{
    public bool HoldsPersonalData => ProtectedNote is not null || ProtectedContact is not null;
}

/// <summary>What a provider's upload filter did with a match.</summary>
public enum MatchAction
{
    Blocked,
    Removed,
    Allowed,
    FalsePositive,
}

/// <summary>
/// A provider's report of what its filter did with a banked item. <see cref="CaseId"/> and
/// <see cref="OrderId"/> name the item's source for the figures; neither is ever shown to the provider.
/// </summary>
public sealed record MatchReport(
    string ReportId,
    string ProviderId,
    string EntryId,
    MatchAction Action,
    DateTimeOffset At,
    DateTimeOffset ReceivedAt,
    string? CaseId,
    string? OrderId,
    string? LegalBasis,
    string Bank)
{
    /// <summary>The case or order the banked item came from: reports are stored and counted by it.</summary>
    public string SourceKey => CaseId ?? OrderId ?? "unknown";
}

/// <summary>How often matches were acted on, by action.</summary>
public sealed record ReuploadCounts(int ReuploadsBlocked, int ReuploadsRemoved, int Allowed, int FalsePositives)
{
    public static ReuploadCounts Of(IEnumerable<MatchReport> reports)
    {
        int blocked = 0, removed = 0, allowed = 0, falsePositives = 0;
        foreach (var report in reports)
        {
            switch (report.Action)
            {
                case MatchAction.Blocked: blocked++; break;
                case MatchAction.Removed: removed++; break;
                case MatchAction.Allowed: allowed++; break;
                case MatchAction.FalsePositive: falsePositives++; break;
            }
        }

        return new ReuploadCounts(blocked, removed, allowed, falsePositives);
    }
}

/// <summary>Re-upload figures for regulators: per provider and per legal basis, over a period.</summary>
public sealed record ReuploadFigures(
    DateTimeOffset From,
    DateTimeOffset To,
    ReuploadCounts Total,
    IReadOnlyList<(string ProviderId, ReuploadCounts Counts)> ByProvider,
    IReadOnlyList<(string LegalBasis, ReuploadCounts Counts)> ByRegime)
{
    public static ReuploadFigures Of(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<MatchReport> reports) => new(
        from,
        to,
        ReuploadCounts.Of(reports),
        reports.GroupBy(r => r.ProviderId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, ReuploadCounts.Of(g))).ToList(),
        reports.GroupBy(r => r.LegalBasis ?? "unknown", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, ReuploadCounts.Of(g))).ToList());
}

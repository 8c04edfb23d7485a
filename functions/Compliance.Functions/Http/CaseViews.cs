using System.Text.Json.Serialization;
using Compliance.Cases;
using Compliance.Orders;
using Compliance.Regimes;

namespace Compliance.Functions.Http;

public sealed record CaseOrderView(string ProviderId, string OrderId);

/// <summary>The answer to opening a case: the access code is shown here and nowhere else.</summary>
public sealed record CaseOpenedView(string CaseId, string AccessCode, string LegalBasis, IReadOnlyList<CaseOrderView> Orders, int HashCount, string StatusUrl)
{
    public static CaseOpenedView From(VictimCase c, string accessCode) =>
        new(c.CaseId, accessCode, c.LegalBasis, c.Orders.Select(o => new CaseOrderView(o.ProviderId, o.OrderId)).ToList(), c.HashCount, $"/api/v1/cases/{c.CaseId}/status");
}

public sealed record CaseOrderStateView(string ProviderId, string OrderId, OrderStatus Status, DateTimeOffset? DueAt, ClockBasis DeadlineBasis, DateTimeOffset? RemovedAt)
{
    public static CaseOrderStateView From(TakedownOrder o) => new(o.ProviderId, o.OrderId, o.Status, o.Clock.DueAt, o.Clock.Basis, o.Removal?.ReceivedAt);
}

/// <summary>A case for its support centre (with the note and contact), the commission and regulators (without).</summary>
public sealed record CaseView(
    string CaseId,
    string LegalBasis,
    CaseStatus Status,
    string OpenedBy,
    DateTimeOffset OpenedAt,
    DateTimeOffset? OutcomeNoticeDueBy,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? PersonalDataDeleteAfter,
    int HashCount,
    IReadOnlyList<CaseOrderStateView> Orders,
    ReuploadCounts Reuploads,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Contact)
{
    public static CaseView From(CaseDetails d) => new(
        d.Case.CaseId,
        d.Case.LegalBasis,
        d.Case.Status,
        d.Case.OpenedBy,
        d.Case.OpenedAt,
        d.OutcomeNoticeDueBy,
        d.Case.ClosedAt,
        d.Case.PersonalDataDeleteAfter,
        d.Case.HashCount,
        d.Orders.Select(CaseOrderStateView.From).ToList(),
        d.Reuploads,
        d.Note,
        d.Contact);
}

public sealed record VictimOrderView(string ProviderId, OrderStatus Status, DateTimeOffset? DueAt);

/// <summary>What the victim sees: the providers, their orders' statuses and deadlines, and re-uploads blocked; nothing else.</summary>
public sealed record CaseStatusView(string CaseId, CaseStatus Status, IReadOnlyList<VictimOrderView> Orders, int ReuploadsBlocked)
{
    public static CaseStatusView From(CaseStatusReport r) =>
        new(r.CaseId, r.Status, r.Orders.Select(o => new VictimOrderView(o.ProviderId, o.Status, o.Clock.DueAt)).ToList(), r.Reuploads.ReuploadsBlocked + r.Reuploads.ReuploadsRemoved);
}

/// <summary>A match report as its provider sees it: the entry and the bank, never the case or another provider's order.</summary>
public sealed record MatchReportView(string ReportId, string EntryId, MatchAction Action, DateTimeOffset At, DateTimeOffset ReceivedAt, string Bank, string? LegalBasis)
{
    public static MatchReportView From(MatchReport r) => new(r.ReportId, r.EntryId, r.Action, r.At, r.ReceivedAt, r.Bank, r.LegalBasis);
}

public sealed record ProviderReuploadsView(string ProviderId, ReuploadCounts Counts);

public sealed record RegimeReuploadsView(string LegalBasis, ReuploadCounts Counts);

public sealed record ReuploadFiguresView(DateTimeOffset From, DateTimeOffset To, ReuploadCounts Total, IReadOnlyList<ProviderReuploadsView> ByProvider, IReadOnlyList<RegimeReuploadsView> ByRegime)
{
    public static ReuploadFiguresView Of(ReuploadFigures f) => new(
        f.From,
        f.To,
        f.Total,
        f.ByProvider.Select(p => new ProviderReuploadsView(p.ProviderId, p.Counts)).ToList(),
        f.ByRegime.Select(r => new RegimeReuploadsView(r.LegalBasis, r.Counts)).ToList());
}

using System.Globalization;
using System.Text;
using Compliance.Access;
using Compliance.Orders;
using Compliance.Providers;
using Compliance.Regimes;
using Compliance.Sla;

namespace Compliance.Functions.Http;

// The API's response documents. Domain types stay free of wire concerns; these say what is shown.
public sealed record OrderView(
    string OrderId,
    string ProviderId,
    string LegalBasis,
    OrderStatus Status,
    DateTimeOffset IssuedAt,
    DateTimeOffset? DueAt,
    bool ClockPaused,
    double? RemainingSeconds,
    IReadOnlyList<OrderItem> Items,
    string Reason,
    DateTimeOffset? AcknowledgedAt,
    RemovalView? Removal,
    ObjectionView? Objection,
    int ObjectionCount,
    DateTimeOffset? BreachedAt,
    DateTimeOffset? WithdrawnAt,
    int Version,
    ClockBasis DeadlineBasis)
{
    /// <summary>The notice's reference, authority, provisions, scope, redress and Transparency Database filing.</summary>
    public required OrderNotice Notice { get; init; }

    /// <summary>What the order lacks that the law expects (e.g. TCO advance information), recorded at issue.</summary>
    public required IReadOnlyList<OrderWarning> Warnings { get; init; }

    /// <summary>When the addressed provider first read or answered the order, on single-order reads.</summary>
    public DateTimeOffset? FirstReceivedAt { get; init; }

    /// <summary>The order's evidence media, on single-order reads.</summary>
    public IReadOnlyList<MediaSummaryView>? Media { get; init; }

    public static OrderView From(TakedownOrder o) => new(
        o.OrderId,
        o.ProviderId,
        o.LegalBasis,
        o.Status,
        o.IssuedAt,
        o.Clock.DueAt,
        o.Clock.IsPaused,
        o.Clock.Remaining?.TotalSeconds,
        o.Items,
        o.Reason,
        o.AcknowledgedAt,
        o.Removal is { } r ? new RemovalView(r.ClaimedRemovedAt, r.ReceivedAt, r.Action, r.Evidence, r.Late) : null,
        o.Objection is { } x ? new ObjectionView(x.Ground, x.Explanation, x.At) : null,
        o.ObjectionCount,
        o.BreachedAt,
        o.WithdrawnAt,
        o.Version,
        o.Clock.Basis)
    {
        Notice = o.Notice,
        Warnings = o.Warnings,
    };
}

/// <param name="RemovedAt">The provider's claim.</param>
/// <param name="ReceivedAt">The server's receipt of the confirmation, on which the SLA is judged.</param>
public sealed record RemovalView(DateTimeOffset RemovedAt, DateTimeOffset ReceivedAt, RemovalAction Action, string? Evidence, bool Late);

public sealed record ObjectionView(ObjectionGround Ground, string Explanation, DateTimeOffset At);

public sealed record OrderPageView(IReadOnlyList<OrderView> Orders, string? ContinuationToken);

public sealed record ActorView(Role Role, string Subject, string? ProviderId);

public sealed record OrderEventView(int Sequence, OrderEventType Type, DateTimeOffset At, ActorView Actor, OrderStatus From, OrderStatus To, string? Reason, DateTimeOffset? DueAt, string PreviousHash, string Hash)
{
    public static OrderEventView Of(OrderEvent e) =>
        new(e.Sequence, e.Type, e.At, new ActorView(e.Actor.Role, e.Actor.Subject, e.Actor.ProviderId), e.From, e.To, e.Reason, e.DueAt, e.PreviousHash, e.Hash);
}

/// <param name="ChainValid">Whether every entry's SHA-256 matches its content and links to the previous one.</param>
public sealed record OrderHistoryView(string OrderId, bool ChainValid, IReadOnlyList<OrderEventView> Events);

public sealed record ProviderView(string Id, string Name, string Jurisdiction, string Contact, DateTimeOffset RegisteredAt)
{
    public static ProviderView From(Provider p) => new(p.Id, p.Name, p.Jurisdiction, p.Contact, p.RegisteredAt);
}

/// <param name="Preservation">ISO 8601 period (P6M, P3Y) for which evidence is kept.</param>
/// <param name="ClockBasis">statutory, or target where the clock is a policy target rather than the law's deadline.</param>
public sealed record RegimeView(
    string Code,
    string Jurisdiction,
    string Citation,
    double? ClockSeconds,
    ClockBasis ClockBasis,
    bool LongerPeriodAllowed,
    string Preservation,
    string? RecordsRetention,
    string? RequesterNoticeWithin,
    IReadOnlyDictionary<ObjectionGround, ClockOnObjection> Objections,
    IReadOnlyList<NoticeField> RequiredNotice,
    bool VictimRequests)
{
    public static RegimeView From(LegalRegime r) =>
        new(r.Code, r.Jurisdiction, r.Citation, r.Clock?.TotalSeconds, r.ClockBasis, r.LongerPeriodAllowed, r.Preservation.ToString(), r.RecordsRetention?.ToString(), r.RequesterNoticeWithin?.ToString(), r.Objections, [.. r.RequiredNotice.Order()], r.VictimRequests);
}

public sealed record ProviderListView(IReadOnlyList<ProviderView> Providers);

public sealed record RegimeListView(IReadOnlyList<RegimeView> Regimes);

/// <param name="Status">healthy, or degraded when a dependency is not.</param>
public sealed record HealthView(string Status, IReadOnlyDictionary<string, DependencyHealthView> Dependencies);

public sealed record DependencyHealthView(bool Healthy, string? Detail);

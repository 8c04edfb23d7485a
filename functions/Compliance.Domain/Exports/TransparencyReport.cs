using Compliance.Cases;
using Compliance.Orders;
using Compliance.Regimes;
using Compliance.Sla;

namespace Compliance.Exports;

/// <summary>One regime's line of a provider's transparency report.</summary>
/// <param name="ReuploadsBlocked">Uploads the provider's filter reported blocking, matched to banked items of this regime.</param>
public sealed record RegimeTransparency(
    string LegalBasis,
    ClockBasis DeadlineBasis,
    int Orders,
    int Removed,
    int RemovedOnTime,
    int Breached,
    int Objections,
    int Withdrawn,
    double? MedianTimeToRemovalSeconds,
    double? P95TimeToRemovalSeconds,
    int ReuploadsBlocked,
    int NoEffectGiven);

/// <summary>
/// A provider's transparency report for orders issued in [From, To), per legal basis: the SLA
/// figures (judged on the server's receipt times, as everywhere) and the re-uploads its filter blocked.
/// </summary>
public sealed record TransparencyReport(string ProviderId, DateTimeOffset From, DateTimeOffset To, DateTimeOffset GeneratedAt, IReadOnlyList<RegimeTransparency> Regimes)
{
    public static TransparencyReport Compute(
        string providerId,
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyList<TakedownOrder> orders,
        IReadOnlyList<MatchReport> providerReports,
        Func<string, ClockBasis> basisOf,
        DateTimeOffset now)
    {
        var byRegime = orders.GroupBy(o => o.LegalBasis, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var blocked = providerReports.Where(r => r.Action == MatchAction.Blocked && r.LegalBasis is not null)
            .GroupBy(r => r.LegalBasis!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var regimes = byRegime.Keys.Union(blocked.Keys).Order(StringComparer.Ordinal).Select(code =>
        {
            var sla = SlaReport.Compute(providerId, from, to, byRegime.GetValueOrDefault(code) ?? [], now);
            return new RegimeTransparency(
                code,
                basisOf(code),
                sla.Orders,
                sla.RemovedOnTime + sla.RemovedLate,
                sla.RemovedOnTime,
                sla.Breached,
                sla.Objections,
                sla.Withdrawn,
                sla.MedianTimeToRemovalSeconds,
                sla.P95TimeToRemovalSeconds,
                blocked.GetValueOrDefault(code),
                sla.NoEffectGiven);
        }).ToList();
        return new TransparencyReport(providerId, from, to, now, regimes);
    }
}

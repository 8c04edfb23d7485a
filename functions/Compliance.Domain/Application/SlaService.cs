using Compliance.Access;
using Compliance.Problems;
using Compliance.Sla;

namespace Compliance.Application;

/// <summary>Per-provider SLA figures for regulators, and for each provider about itself.</summary>
public sealed class SlaService(IOrderStore orders, IProviderDirectory providers, Compliance.Cases.IMatchReportStore matchReports, Compliance.Regimes.RegimeCatalog regimes, TimeProvider time)
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public async Task<SlaReport> ReportAsync(Caller caller, string providerId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var (start, end, now) = await PeriodAsync(caller, providerId, from, to, cancellationToken);
        var issued = await orders.IssuedBetweenAsync(providerId, start, end, cancellationToken).ToListAsync(cancellationToken);
        return SlaReport.Compute(providerId, start, end, issued, now);
    }

    /// <summary>The provider's transparency report: the SLA figures per legal basis, and the re-uploads its filter blocked.</summary>
    public async Task<Compliance.Exports.TransparencyReport> TransparencyReportAsync(Caller caller, string providerId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var (start, end, now) = await PeriodAsync(caller, providerId, from, to, cancellationToken);
        var issued = await orders.IssuedBetweenAsync(providerId, start, end, cancellationToken).ToListAsync(cancellationToken);
        var reports = (await matchReports.ReceivedBetweenAsync(start, end, cancellationToken)).Where(r => r.ProviderId == providerId).ToList();
        return Compliance.Exports.TransparencyReport.Compute(providerId, start, end, issued, reports, code => regimes.Find(code)?.ClockBasis ?? Compliance.Regimes.ClockBasis.Statutory, now);
    }

    private async Task<(DateTimeOffset Start, DateTimeOffset End, DateTimeOffset Now)> PeriodAsync(Caller caller, string providerId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Regulator, Role.Provider);
        caller.RequireVisible(providerId, "Provider");
        _ = await providers.FindAsync(providerId, cancellationToken) ?? throw ComplianceProblem.NotFound("Provider");

        var now = time.ReceiptTime();
        // Without an end the period runs up to and including now: the end is exclusive and times are
        // kept to the millisecond, so an order issued this very millisecond counts.
        var end = to ?? now.AddMilliseconds(1);
        var start = from ?? end - DefaultPeriod;
        return start >= end || end - start > MaxPeriod
            ? throw new ComplianceProblem(ProblemKind.InvalidQuery, $"from must be before to, and the period at most {MaxPeriod.TotalDays} days.")
            : (start, end, now);
    }
}

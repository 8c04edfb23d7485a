using Compliance.Access;
using Compliance.Problems;
using Compliance.Sla;

namespace Compliance.Application;

/// <summary>Per-provider SLA figures for regulators, and for each provider about itself.</summary>
public sealed class SlaService(IOrderStore orders, IProviderDirectory providers, TimeProvider time)
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public async Task<SlaReport> ReportAsync(Caller caller, string providerId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Regulator, Role.Provider);
        caller.RequireVisible(providerId, "Provider");
        _ = await providers.FindAsync(providerId, cancellationToken) ?? throw ComplianceProblem.NotFound("Provider");

        var now = time.ReceiptTime();
        var end = to ?? now;
        var start = from ?? end - DefaultPeriod;
        if (start >= end || end - start > MaxPeriod)
        {
            throw new ComplianceProblem(ProblemKind.InvalidQuery, $"from must be before to, and the period at most {MaxPeriod.TotalDays} days.");
        }

        var issued = await orders.IssuedBetweenAsync(providerId, start, end, cancellationToken).ToListAsync(cancellationToken);
        return SlaReport.Compute(providerId, start, end, issued, now);
    }
}

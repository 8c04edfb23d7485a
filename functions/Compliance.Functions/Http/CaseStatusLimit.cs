using System.Threading.RateLimiting;
using Compliance.Infrastructure.Cases;
using Compliance.Problems;

namespace Compliance.Functions.Http;

/// <summary>
/// The victim's status page needs no account, so its only guard is the access code: each case id
/// takes a bounded number of checks per hour, whoever makes them, which bounds guessing at about
/// 2^100 / (checks per hour) hours. A flood can delay a victim's check by up to the window; it
/// cannot reveal anything.
/// </summary>
public sealed class CaseStatusLimit(CaseOptions options) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(caseId => RateLimitPartition.GetTokenBucketLimiter(caseId, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, options.StatusChecksPerHour),
        TokensPerPeriod = Math.Max(1, options.StatusChecksPerHour),
        ReplenishmentPeriod = Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    }));

    public void Check(string caseId)
    {
        using var lease = _limiter.AttemptAcquire(caseId);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : (int)Window.TotalSeconds;
            throw new ComplianceProblem(ProblemKind.TooManyRequests, "Too many status checks for this case; try again later.") { RetryAfterSeconds = Math.Max(1, retryAfter) };
        }
    }

    public void Dispose() => _limiter.Dispose();
}

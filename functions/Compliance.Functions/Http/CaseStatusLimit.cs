using System.Threading.RateLimiting;
using Compliance.Infrastructure.Cases;
using Compliance.Problems;

namespace Compliance.Functions.Http;

/// <summary>
/// The victim's status page needs no account, so its only guard is the access code (100 bits):
/// each client address takes a bounded number of checks per hour, whatever case it asks about, so
/// guessing codes or case ids is slow, and nobody can lock a victim out of their own case by
/// flooding its id from elsewhere.
/// </summary>
public sealed class CaseStatusLimit(CaseOptions options) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, options.StatusChecksPerHour),
        TokensPerPeriod = Math.Max(1, options.StatusChecksPerHour),
        ReplenishmentPeriod = Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    }));

    public void Check(string client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : (int)Window.TotalSeconds;
            throw new ComplianceProblem(ProblemKind.TooManyRequests, "Too many status checks from this address; try again later.") { RetryAfterSeconds = Math.Max(1, retryAfter) };
        }
    }

    public void Dispose() => _limiter.Dispose();
}

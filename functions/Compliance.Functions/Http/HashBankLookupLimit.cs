using System.Threading.RateLimiting;
using Compliance.Access;
using Compliance.Problems;

namespace Compliance.Functions.Http;

/// <summary>Per-caller limits on hash-bank lookups (HashBank:LookupsPerMinute, HashBank:ConcurrentLookups).</summary>
public sealed class HashBankLookupOptions
{
    public const string Section = "HashBank";

    public int LookupsPerMinute { get; set; } = 6000;

    public int ConcurrentLookups { get; set; } = 4;
}

/// <summary>
/// An upload filter calls the lookup for every upload, and an image lookup decodes up to 20 MB: one
/// caller must not starve the others. Each caller scope gets its own token bucket and its own
/// concurrency cap; over either, the call is refused at once with 429 and Retry-After.
/// </summary>
public sealed class HashBankLookupLimit(HashBankLookupOptions options) : IDisposable
{
    public const int RetryAfterSeconds = 1;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.CreateChained(
        PartitionedRateLimiter.Create<string, string>(scope => RateLimitPartition.GetTokenBucketLimiter(scope, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, options.LookupsPerMinute),
            TokensPerPeriod = Math.Max(1, options.LookupsPerMinute),
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        })),
        PartitionedRateLimiter.Create<string, string>(scope => RateLimitPartition.GetConcurrencyLimiter(scope, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, options.ConcurrentLookups),
            QueueLimit = 0,
        })));

    /// <summary>A lease to hold for the duration of the lookup; throws 429 when the caller is over its limits.</summary>
    public RateLimitLease Acquire(Caller caller)
    {
        var lease = _limiter.AttemptAcquire(caller.Scope);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        throw new ComplianceProblem(ProblemKind.TooManyRequests, $"Too many hash-bank lookups from this caller; retry after {RetryAfterSeconds} s.") { RetryAfterSeconds = RetryAfterSeconds };
    }

    public void Dispose() => _limiter.Dispose();
}

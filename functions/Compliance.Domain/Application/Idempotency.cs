namespace Compliance.Application;

/// <summary>A response kept so that a retried request gets exactly what the first attempt got.</summary>
public sealed record StoredResponse(int StatusCode, string ContentType, string Body, string? Location, string? ETag)
{
    /// <summary>Seconds for Retry-After; only "not now" refusals carry it, and those are never stored.</summary>
    public int? RetryAfter { get; init; }

    public string? ContinuationToken { get; init; }
}

/// <summary>Proof that this request holds its idempotency key; needed to record or give up the outcome.</summary>
public sealed record IdempotencyLease(string Scope, string Key, string Token);

public abstract record IdempotencyStart
{
    public sealed record Started(IdempotencyLease Lease) : IdempotencyStart;

    public sealed record Replay(StoredResponse Response) : IdempotencyStart;

    public sealed record KeyReusedWithOtherRequest : IdempotencyStart;

    public sealed record StillInProgress : IdempotencyStart;
}

/// <summary>Idempotency keys, scoped to the caller, with the fingerprint of the request that first used each.</summary>
public interface IIdempotencyStore
{
    Task<IdempotencyStart> BeginAsync(string scope, string key, string requestFingerprint, CancellationToken cancellationToken);

    Task CompleteAsync(IdempotencyLease lease, StoredResponse response, CancellationToken cancellationToken);

    /// <summary>Frees the key after a failure that was not the caller's fault, so a retry can run again.</summary>
    Task ReleaseAsync(IdempotencyLease lease, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes records past their retention: they hold whole response bodies (upload URLs, victims'
    /// URLs), which must not outlive the retry window they exist for. Returns how many went.
    /// </summary>
    Task<int> PurgeExpiredAsync(CancellationToken cancellationToken);
}

/// <summary>How an idempotent execution ended: the response (new or replayed), or why it did not run.</summary>
/// <param name="Refusal">KeyReusedWithOtherRequest or StillInProgress; null when there is a response.</param>
public sealed record IdempotentOutcome(StoredResponse? Response, bool Replayed, IdempotencyStart? Refusal);

public static class IdempotentExecution
{
    /// <summary>
    /// Runs <paramref name="action"/> at most once per caller-scoped key: a repeat replays the stored
    /// response, another request under the key or a concurrent one is refused. A null response from
    /// the action, or an exception, frees the key so the request can be tried again.
    /// </summary>
    public static async Task<IdempotentOutcome> RunAsync(
        this IIdempotencyStore store,
        string scope,
        string key,
        string fingerprint,
        Func<Task<StoredResponse?>> action,
        CancellationToken cancellationToken)
    {
        var start = await store.BeginAsync(scope, key, fingerprint, cancellationToken);
        if (start is IdempotencyStart.Replay replay)
        {
            return new IdempotentOutcome(replay.Response, true, null);
        }

        if (start is not IdempotencyStart.Started { Lease: var lease })
        {
            return new IdempotentOutcome(null, false, start);
        }

        StoredResponse? response;
        try
        {
            response = await action();
        }
        catch
        {
            await store.ReleaseAsync(lease, CancellationToken.None);
            throw;
        }

        if (response is null)
        {
            await store.ReleaseAsync(lease, CancellationToken.None);
        }
        else
        {
            await store.CompleteAsync(lease, response, CancellationToken.None);
        }

        return new IdempotentOutcome(response, false, null);
    }
}

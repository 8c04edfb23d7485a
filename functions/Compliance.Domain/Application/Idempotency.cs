namespace Compliance.Application;

/// <summary>A response kept so that a retried request gets exactly what the first attempt got.</summary>
public sealed record StoredResponse(int StatusCode, string ContentType, string Body, string? Location, string? ETag);

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
}

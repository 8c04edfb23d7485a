using Compliance.Problems;

namespace Compliance.Functions.Http;

/// <summary>
/// The stable RFC 9457 problem types of the API. Clients branch on <see cref="Type"/>; the slugs
/// are part of the public contract and are listed in the README.
/// </summary>
public sealed record ProblemType(int Status, string Slug, string Title)
{
    public const string UriPrefix = "urn:compliance:problem:";

    public static readonly ProblemType Internal = new(500, "internal-error", "Internal error");

    /// <summary>A dependency (storage, the broker) failed or timed out: nothing was half-done, retry later.</summary>
    public static readonly ProblemType Unavailable = new(503, "service-unavailable", "Service temporarily unavailable");

    /// <summary>Only logged: the client is gone and never reads it.</summary>
    public static readonly ProblemType ClientClosedRequest = new(499, "client-closed-request", "Client closed request");

    public string Type => UriPrefix + Slug;

    /// <summary>Every problem type the API can answer with, for its OpenAPI document.</summary>
    public static IReadOnlyList<ProblemType> All { get; } =
        [.. Enum.GetValues<ProblemKind>().Select(For).Append(Internal).Append(Unavailable).Append(ClientClosedRequest).DistinctBy(p => p.Slug)];

    public static ProblemType For(ProblemKind kind) => kind switch
    {
        ProblemKind.MalformedJson => new(400, "malformed-json", "Malformed JSON body"),
        ProblemKind.ValidationFailed => new(400, "validation-failed", "Invalid or missing fields"),
        ProblemKind.PayloadTooLarge => new(413, "payload-too-large", "Request body too large"),
        ProblemKind.UnsupportedMediaType => new(415, "unsupported-media-type", "Unsupported media type"),
        ProblemKind.NotAcceptable => new(406, "not-acceptable", "No acceptable representation"),
        ProblemKind.MissingIdempotencyKey => new(400, "missing-idempotency-key", "Idempotency-Key header required"),
        ProblemKind.InvalidIdempotencyKey => new(400, "invalid-idempotency-key", "Invalid Idempotency-Key header"),
        ProblemKind.IdempotencyKeyReused => new(422, "idempotency-key-reused", "Idempotency key used for another request"),
        ProblemKind.IdempotentRequestInProgress => new(409, "idempotent-request-in-progress", "Request with this idempotency key in progress"),
        ProblemKind.Unauthenticated => new(401, "unauthenticated", "Authentication required"),
        ProblemKind.Forbidden => new(403, "forbidden", "Not permitted"),
        ProblemKind.NotFound => new(404, "not-found", "Not found"),
        ProblemKind.UnknownRegime => new(422, "unknown-regime", "Unknown legal basis"),
        ProblemKind.UnknownProvider => new(422, "unknown-provider", "Unknown provider"),
        ProblemKind.ProviderExists => new(409, "provider-exists", "Provider already registered"),
        ProblemKind.IllegalTransition => new(409, "illegal-transition", "Transition not allowed in the current state"),
        ProblemKind.DeadlineNotAllowed => new(422, "deadline-not-allowed", "Deadline not allowed"),
        ProblemKind.PreconditionFailed => new(412, "precondition-failed", "Order version does not match If-Match"),
        ProblemKind.ConcurrencyConflict => new(409, "concurrency-conflict", "Concurrent update"),
        ProblemKind.InvalidQuery => new(400, "invalid-query", "Invalid query parameter"),
        ProblemKind.RouteNotFound => new(404, "route-not-found", "No such endpoint"),
        ProblemKind.TooManyRequests => new(429, "too-many-requests", "Too many requests"),
        ProblemKind.RegimeNotForVictims => new(422, "regime-not-for-victims", "Legal basis takes no requests by or for victims"),
        ProblemKind.NoBankMatch => new(422, "no-bank-match", "No banked item matches"),
        ProblemKind.MethodNotAllowed => new(405, "method-not-allowed", "Method not allowed"),
        _ => Internal,
    };
}

/// <summary>The RFC 9457 document every refusal is sent as; members a problem kind adds (errors, limitBytes) follow the standard ones.</summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip)]
public sealed record ProblemDocument(string Type, string Title, int Status, string Detail, string? Instance)
{
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, object?>? Extensions { get; init; }
}

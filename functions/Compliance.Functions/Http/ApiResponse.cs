using System.Text.Json;
using Compliance.Application;

namespace Compliance.Functions.Http;

/// <summary>A successful outcome, before it is rendered to the bytes that are sent and kept for replays.</summary>
public sealed record ApiResponse(int StatusCode, object? Body, string? Location = null, string? ETag = null, string ContentType = ApiResponse.Json)
{
    public const string Json = "application/json; charset=utf-8";
    public const string ProblemJson = "application/problem+json; charset=utf-8";
    public const string Csv = "text/csv; charset=utf-8";
    public const string PlainText = "text/plain; charset=utf-8";
    public const string Html = "text/html; charset=utf-8";

    public static ApiResponse Ok(object body, string? etag = null) => new(200, body, ETag: etag);

    public static ApiResponse Created(object body, string location, string? etag = null) => new(201, body, location, etag);

    /// <summary>For a page whose body has no room for it (a text export): sent as the Continuation-Token header.</summary>
    public string? ContinuationToken { get; init; }

    public StoredResponse Render() =>
        new(StatusCode, ContentType, Body switch { null => string.Empty, string text => text, _ => JsonSerializer.Serialize(Body, ApiJson.Options) }, Location, ETag) { ContinuationToken = ContinuationToken };
}

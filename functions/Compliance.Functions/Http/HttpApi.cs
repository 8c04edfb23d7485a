using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Compliance.Access;
using Compliance.Application;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Compliance.Functions.Http;

/// <summary>What a command handler gets besides the caller and the body.</summary>
/// <param name="RequestKey">The caller-scoped idempotency key, recorded on the order to absorb retries.</param>
/// <param name="ExpectedVersion">The order version from <c>If-Match</c>, when the client sent one.</param>
public sealed record CommandContext(string RequestKey, int? ExpectedVersion);

/// <summary>
/// The request pipeline every HTTP function calls, under the Functions host and the local host
/// alike: authentication, body limits, strict JSON, idempotency and the mapping of every refusal to
/// problem+json. Logs carry method, route, status and problem type, never bodies or tokens.
/// </summary>
public sealed partial class HttpApi(ICallerAuthenticator authenticator, IIdempotencyStore idempotency, ILogger<HttpApi> logger)
{
    public const int MaxBodyBytes = 256 * 1024;
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>When to try again after a dependency failed (503).</summary>
    public const int UnavailableRetryAfterSeconds = 5;

    /// <summary>A call that needs a caller but changes nothing.</summary>
    public Task<IActionResult> ReadAsync(HttpRequest request, Func<Caller, Task<ApiResponse>> handler, CancellationToken cancellationToken) =>
        RunAsync(request, async () =>
        {
            var caller = await authenticator.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
            return new ResponseResult((await handler(caller)).Render());
        });

    /// <summary>A call that reads a body but changes nothing (a lookup), so it needs no Idempotency-Key.</summary>
    public Task<IActionResult> ReadWithBodyAsync(HttpRequest request, long maxBytes, Func<Caller, byte[], string?, Task<ApiResponse>> handler, CancellationToken cancellationToken) =>
        RunAsync(request, async () =>
        {
            var caller = await authenticator.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
            var body = await ReadLimitedAsync(request, maxBytes, cancellationToken);
            return new ResponseResult((await handler(caller, body, request.ContentType?.Split(';')[0].Trim().ToLowerInvariant())).Render());
        });

    /// <summary>A call anyone may make, such as the health check.</summary>
    public Task<IActionResult> AnonymousAsync(HttpRequest request, Func<Task<ApiResponse>> handler) =>
        RunAsync(request, async () => new ResponseResult((await handler()).Render()));

    /// <summary>Marks a kept outcome whose body was not kept: a retry runs the (idempotent) handler again.</summary>
    private const string RunAgainOnReplay = "application/x-compliance-run-again";

    /// <summary>
    /// A mutating call: requires an Idempotency-Key and answers a retry with the original response.
    /// With <paramref name="keepBody"/> false the success body is not stored (it holds a secret, such
    /// as a victim's access code): a retry runs the handler again, which must then be idempotent itself.
    /// </summary>
    public Task<IActionResult> WriteAsync<TBody>(HttpRequest request, Func<Caller, TBody, CommandContext, Task<ApiResponse>> handler, CancellationToken cancellationToken, bool keepBody = true)
        where TBody : class =>
        RunAsync(request, async () =>
        {
            var caller = await authenticator.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
            var key = IdempotencyKey(request);
            var body = await ReadBodyAsync(request, cancellationToken);
            var fingerprint = Fingerprint(request, body);
            var command = new CommandContext($"{caller.Scope}|{key}", ExpectedVersion(request));
            StoredResponse? sent = null;
            var outcome = await idempotency.RunAsync(caller.Scope, key, fingerprint, async () =>
            {
                try
                {
                    sent = (await handler(caller, Parse<TBody>(body), command)).Render();
                    return keepBody ? sent : sent with { Body = string.Empty, ContentType = RunAgainOnReplay };
                }
                catch (ComplianceProblem problem) when (!problem.Kind.IsTransient())
                {
                    // A refusal is the answer to this request: a retry with the same key gets it again.
                    return Problem(request, problem);
                }
            }, cancellationToken);
            if (outcome.Replayed && outcome.Response!.ContentType == RunAgainOnReplay)
            {
                return new ResponseResult((await handler(caller, Parse<TBody>(body), command)).Render(), replayed: true);
            }

            return outcome.Refusal switch
            {
                IdempotencyStart.KeyReusedWithOtherRequest => throw new ComplianceProblem(ProblemKind.IdempotencyKeyReused, "This Idempotency-Key was already used with a different request."),
                IdempotencyStart.StillInProgress => throw new ComplianceProblem(ProblemKind.IdempotentRequestInProgress, "A request with this Idempotency-Key is still being processed; retry later."),
                _ => new ResponseResult(outcome.Replayed ? outcome.Response! : sent ?? outcome.Response!, outcome.Replayed),
            };
        });

    public static StoredResponse Problem(HttpRequest request, ComplianceProblem problem) =>
        Problem(request, ProblemType.For(problem.Kind), problem.Detail, problem.Extensions) with { RetryAfter = problem.RetryAfterSeconds };

    public static StoredResponse Problem(HttpRequest request, ProblemType type, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var document = new ProblemDocument(type.Type, type.Title, type.Status, detail, request.Path.Value)
        {
            Extensions = extensions is { Count: > 0 } ? extensions.ToDictionary() : null,
        };
        return new StoredResponse(type.Status, ApiResponse.ProblemJson, JsonSerializer.Serialize(document, ApiJson.Options), null, null);
    }

    public static string OrderETag(int version) => $"\"{version}\"";

    private async Task<IActionResult> RunAsync(HttpRequest request, Func<Task<ResponseResult>> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        ResponseResult result;
        string? problemType = null;
        try
        {
            result = await pipeline();
        }
        catch (ComplianceProblem problem)
        {
            result = new ResponseResult(Problem(request, problem));
            problemType = ProblemType.For(problem.Kind).Slug;
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            result = new ResponseResult(Problem(request, ProblemType.ClientClosedRequest, "The client went away."));
        }
        catch (Exception e)
        {
            // Only the type: exception messages can quote stored data.
            LogFailure(logger, request.Method, request.Path.Value, e.GetType().FullName);
            var type = e is Azure.RequestFailedException or HttpRequestException or TimeoutException or AggregateException { InnerException: Azure.RequestFailedException or HttpRequestException }
                ? ProblemType.Unavailable
                : ProblemType.Internal;
            result = new ResponseResult(Problem(request, type, "The request could not be completed; it is safe to retry with the same Idempotency-Key.")
                with { RetryAfter = type == ProblemType.Unavailable ? UnavailableRetryAfterSeconds : null });
            problemType = type.Slug;
        }

        LogRequest(logger, request.Method, request.Path.Value, result.Response.StatusCode, problemType ?? "-", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private static string IdempotencyKey(HttpRequest request)
    {
        var values = request.Headers["Idempotency-Key"];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            throw new ComplianceProblem(ProblemKind.MissingIdempotencyKey, "Every mutating call needs an Idempotency-Key header (for example a UUID).");
        }

        var key = values[0]!;
        if (values.Count > 1 || key.Length > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            throw new ComplianceProblem(ProblemKind.InvalidIdempotencyKey, $"Idempotency-Key must be one value of 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces.");
        }

        return key;
    }

    private static int? ExpectedVersion(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch.Length == 0 || ifMatch == "*")
        {
            return null;
        }

        var trimmed = ifMatch.Trim().Trim('"');
        return int.TryParse(trimmed, out var version)
            ? version
            : throw new ComplianceProblem(ProblemKind.PreconditionFailed, "If-Match must be an order ETag as returned by this API.");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var mediaType = request.ContentType?.Split(';')[0].Trim();
            if (mediaType is null || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
            {
                throw new ComplianceProblem(ProblemKind.UnsupportedMediaType, "Send the body as application/json.");
            }
        }

        return await ReadLimitedAsync(request, MaxBodyBytes, cancellationToken);
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        // Read at most one chunk past the limit: a chunked body that lies about its size stops here.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Parses a JSON body with the API's strict rules (also for handlers that accept other media types).</summary>
    public static T ParseJson<T>(byte[] body)
        where T : class => Parse<T>(body);

    private static T Parse<T>(byte[] body)
        where T : class
    {
        var json = body.Length == 0 ? "{}"u8.ToArray() : body;
        try
        {
            return JsonSerializer.Deserialize<T>(json, ApiJson.Options)
                ?? throw new ComplianceProblem(ProblemKind.MalformedJson, "The body must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw new ComplianceProblem(
                ProblemKind.MalformedJson,
                "The body is not valid JSON for this request (syntax, unknown or duplicate property, or wrong type).",
                new Dictionary<string, object?> { ["path"] = e.Path, ["line"] = e.LineNumber, ["position"] = e.BytePositionInLine });
        }
    }

    private static string Fingerprint(HttpRequest request, byte[] body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n{request.Headers.IfMatch}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static ComplianceProblem TooLarge(long limit) => new(ProblemKind.PayloadTooLarge, $"The body exceeds {limit} bytes.", new Dictionary<string, object?> { ["limitBytes"] = limit });

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} -> {Status} {ProblemType} in {ElapsedMs:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, string? path, int status, string problemType, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with {ExceptionType}")]
    private static partial void LogFailure(ILogger logger, string method, string? path, string? exceptionType);
}

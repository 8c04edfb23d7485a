using Compliance.Application;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>The bank of PDQ hashes of ordered media, for providers' re-upload filters.</summary>
public sealed class HashBankFunctions(HttpApi api, MediaService media, HashBankLookupLimit limit)
{
    public const long MaxImageBytes = 20 * 1024 * 1024;

    /// <summary>
    /// Looks up <c>{"pdq": "..."}</c> or <c>{"pdqs": [up to 8]}</c> (with optional <c>maxDistance</c>),
    /// or an image sent as the body (image/*). Either way a rotated or mirrored copy is found.
    /// </summary>
    [Function("LookupHashBank")]
    [Accepts(typeof(HashLookupRequest), Idempotent = false, AlsoAccepts = ["image/*", "application/octet-stream"])]
    [Returns(200, typeof(HashBankLookupView))]
    [Query("maxDistance", typeof(int), Description = "For an image body; a JSON body carries its own.")]
    [Refuses(ProblemKind.ValidationFailed, ProblemKind.InvalidQuery, ProblemKind.TooManyRequests)]
    public Task<IActionResult> Lookup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/hashbank/lookup")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadWithBodyAsync(request, MaxImageBytes, async (caller, body, mediaType) =>
        {
            using var lease = limit.Acquire(caller);
            var matches = mediaType is not null && (mediaType.StartsWith("image/", StringComparison.Ordinal) || mediaType == "application/octet-stream")
                ? await media.LookupImageAsync(caller, new MemoryStream(body), QueryParameters.Number(request, "maxDistance"), cancellationToken)
                : await LookupHashAsync(caller, body, cancellationToken);
            return ApiResponse.Ok(new HashBankLookupView([.. matches.Select(HashBankMatchView.From)]));
        }, cancellationToken);

    /// <summary><c>{"frames": ["pdq", ...]}</c>: a video's frame hashes at one per second, matched by vPDQ's rule.</summary>
    [Function("LookupHashBankVideo")]
    [Accepts(typeof(VideoLookupRequest), Idempotent = false)]
    [Returns(200, typeof(VideoLookupView))]
    [Refuses(ProblemKind.ValidationFailed, ProblemKind.TooManyRequests)]
    public Task<IActionResult> LookupVideo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/hashbank/lookup/video")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadWithBodyAsync(request, HttpApi.MaxBodyBytes, async (caller, body, _) =>
        {
            using var lease = limit.Acquire(caller);
            var lookup = HttpApi.ParseJson<VideoLookupRequest>(body);
            var matches = await media.LookupVideoAsync(caller, lookup.Frames, lookup.MaxDistance, cancellationToken);
            return ApiResponse.Ok(new VideoLookupView([.. matches.Select(VideoMatchView.From)]));
        }, cancellationToken);

    [Function("ExportHashBank")]
    [Returns(200, typeof(HashBankExportView))]
    [Returns(200, typeof(string), MediaType = "text/plain")]
    [Query("format", typeof(string), Description = "threatexchange for python-threatexchange's local-file format; left out for JSON.")]
    [Query("since", typeof(DateTimeOffset))]
    [Query("continuationToken", typeof(string))]
    [Refuses(ProblemKind.InvalidQuery)]
    public Task<IActionResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/hashbank")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
        {
            var format = QueryParameters.Text(request, "format");
            if (format is not (null or "threatexchange"))
            {
                throw new Compliance.Problems.ComplianceProblem(Compliance.Problems.ProblemKind.InvalidQuery, "format must be threatexchange, or left out for JSON.");
            }

            var (entries, next) = await media.ExportAsync(caller, QueryParameters.Time(request, "since"), QueryParameters.Text(request, "continuationToken"), cancellationToken);
            return format is null
                ? ApiResponse.Ok(new HashBankExportView([.. entries.Select(BankedHashView.From)], next))
                : new ApiResponse(200, Compliance.Exports.SignalExchangeFile.Write(entries), ContentType: ApiResponse.PlainText) { ContinuationToken = next };
        }, cancellationToken);

    private Task<IReadOnlyList<Compliance.HashBank.BankMatch>> LookupHashAsync(Compliance.Access.Caller caller, byte[] body, CancellationToken cancellationToken)
    {
        var lookup = HttpApi.ParseJson<HashLookupRequest>(body);
        return media.LookupAsync(caller, lookup.Pdq, lookup.Pdqs, lookup.Md5, lookup.MaxDistance, cancellationToken);
    }
}

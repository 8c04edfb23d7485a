using Compliance.Application;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Media;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>Evidence media of an order: upload tickets for the commission, analysis results for the parties.</summary>
public sealed class MediaFunctions(HttpApi api, MediaService media)
{
    [Function("CreateMediaUpload")]
    [Accepts(typeof(EmptyRequest))]
    [Returns(201, typeof(UploadTicketView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.IllegalTransition, ProblemKind.ValidationFailed)]
    public Task<IActionResult> CreateUpload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/media")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        api.WriteAsync<EmptyRequest>(request, async (caller, _, _) =>
        {
            var ticket = await media.CreateUploadAsync(caller, orderId, cancellationToken);
            return ApiResponse.Created(UploadTicketView.From(ticket), $"/api/v1/orders/{orderId}/media/{ticket.MediaId}");
        }, cancellationToken);

    [Function("GetMedia")]
    [Returns(200, typeof(MediaView))]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/orders/{orderId}/media/{mediaId}")] HttpRequest request,
        string orderId,
        string mediaId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(MediaView.From(await media.GetAsync(caller, orderId, mediaId, cancellationToken))), cancellationToken);

    [Function("ListMedia")]
    [Returns(200, typeof(MediaListView))]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/orders/{orderId}/media")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(new MediaListView([.. (await media.ListAsync(caller, orderId, cancellationToken)).Select(MediaView.From)])), cancellationToken);

    /// <summary>
    /// Analyses each blob uploaded through a ticket. On Flex Consumption the trigger is fed by Event
    /// Grid; under the local host by polling. Blobs that cannot be analysed end in quarantine.
    /// </summary>
    [Function("AnalyseMedia")]
    public Task AnalyseMedia(
        [BlobTrigger("%MediaIncomingContainer%/{orderId}/{mediaId}", Connection = "ComplianceStorage", Source = BlobTriggerSource.EventGrid)] Stream content,
        string orderId,
        string mediaId,
        CancellationToken cancellationToken) =>
        media.AnalyseAsync(orderId, mediaId, content, cancellationToken);

    [Function("PurgePreservedMedia")]
    public Task PurgePreservedMedia([TimerTrigger("%MediaPurgeSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        media.PurgeExpiredAsync(cancellationToken);
}

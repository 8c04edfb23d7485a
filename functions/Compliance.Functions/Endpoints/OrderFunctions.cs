using Compliance.Application;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Orders;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>Issuing takedown orders and reading them back with their history.</summary>
public sealed class OrderFunctions(HttpApi api, OrderService orders)
{
    [Function("IssueOrder")]
    [Accepts(typeof(IssueOrderRequest))]
    [Returns(201, typeof(OrderView))]
    [Refuses(ProblemKind.ValidationFailed, ProblemKind.UnknownRegime, ProblemKind.UnknownProvider, ProblemKind.DeadlineNotAllowed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Issue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.WriteAsync<IssueOrderRequest>(request, async (caller, body, command) =>
        {
            var order = await orders.IssueAsync(caller, body, command.RequestKey, cancellationToken);
            return ApiResponse.Created(OrderView.From(order), $"/api/v1/orders/{order.OrderId}", HttpApi.OrderETag(order.Version));
        }, cancellationToken);

    [Function("GetOrder")]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/orders/{orderId}")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
        {
            var (order, media, firstReceivedAt) = await orders.GetWithMediaAsync(caller, orderId, cancellationToken);
            return ApiResponse.Ok(OrderView.From(order) with { FirstReceivedAt = firstReceivedAt, Media = media.Select(m => new MediaSummaryView(m.MediaId, m.Status)).ToList() }, HttpApi.OrderETag(order.Version));
        }, cancellationToken);

    [Function("ListOrders")]
    [Returns(200, typeof(OrderPageView))]
    [Query("providerId", typeof(string))]
    [Query("status", typeof(OrderStatus))]
    [Query("continuationToken", typeof(string))]
    [Query("pageSize", typeof(int))]
    [Refuses(ProblemKind.InvalidQuery)]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/orders")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
        {
            var page = await orders.ListAsync(
                caller,
                QueryParameters.Text(request, "providerId"),
                QueryParameters.Text(request, "status"),
                QueryParameters.Text(request, "continuationToken"),
                QueryParameters.Number(request, "pageSize"),
                cancellationToken);
            return ApiResponse.Ok(new OrderPageView(page.Orders.Select(OrderView.From).ToList(), page.ContinuationToken));
        }, cancellationToken);

    /// <summary>The DSA Transparency Database statement of reasons for a removed or disabled order, ready to submit.</summary>
    [Function("GetStatementOfReasons")]
    [Returns(200, typeof(Compliance.Exports.StatementOfReasons))]
    [Refuses(ProblemKind.NotFound, ProblemKind.IllegalTransition)]
    public Task<IActionResult> StatementOfReasons(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/orders/{orderId}/statement-of-reasons")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(await orders.StatementOfReasonsAsync(caller, orderId, cancellationToken)), cancellationToken);

    /// <summary>A TCO form for the order (annex-i, annex-ii, annex-iii) as JSON, or printable with <c>Accept: text/html</c>.</summary>
    [Function("GetOrderDocument")]
    [Returns(200, typeof(Compliance.Exports.TcoDocument))]
    [Returns(200, typeof(string), MediaType = "text/html")]
    [Refuses(ProblemKind.NotFound, ProblemKind.NotAcceptable, ProblemKind.IllegalTransition)]
    public Task<IActionResult> Document(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/orders/{orderId}/documents/{annex}")] HttpRequest request,
        string orderId,
        string annex,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
        {
            var format = ContentNegotiation.Choose(request, "application/json", "text/html");
            var document = await orders.DocumentAsync(caller, orderId, annex, cancellationToken);
            return format == "text/html" ? new ApiResponse(200, DocumentHtml.Render(document), ContentType: ApiResponse.Html) : ApiResponse.Ok(document);
        }, cancellationToken);

    [Function("GetOrderHistory")]
    [Returns(200, typeof(OrderHistoryView))]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> History(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/orders/{orderId}/history")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
        {
            var (events, chainValid) = await orders.HistoryAsync(caller, orderId, cancellationToken);
            return ApiResponse.Ok(new OrderHistoryView(orderId, chainValid, events.Select(OrderEventView.Of).ToList()));
        }, cancellationToken);
}

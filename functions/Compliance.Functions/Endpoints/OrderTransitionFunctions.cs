using Compliance.Access;
using Compliance.Application;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Orders;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>
/// The parties' moves on an order: the addressed provider acknowledges, confirms, objects or reports
/// that the grounds of its objection ceased; the commission withdraws, extends or clarifies. Each answers with the order as it now stands.
/// </summary>
public sealed class OrderTransitionFunctions(HttpApi api, OrderService orders)
{
    [Function("AcknowledgeOrder")]
    [Accepts(typeof(AcknowledgementRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/acknowledgement")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<AcknowledgementRequest>(request, (caller, _, c) => orders.AcknowledgeAsync(caller, orderId, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    [Function("ConfirmRemoval")]
    [Accepts(typeof(ConfirmationRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/confirmation")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<ConfirmationRequest>(request, (caller, body, c) => orders.ConfirmAsync(caller, orderId, body, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    [Function("ObjectToOrder")]
    [Accepts(typeof(ObjectionRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> RaiseObjection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/objection")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<ObjectionRequest>(request, (caller, body, c) => orders.ObjectAsync(caller, orderId, body, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    [Function("ReportGroundsCeased")]
    [Accepts(typeof(GroundsCeasedRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> ReportGroundsCeased(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/grounds-ceased")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<GroundsCeasedRequest>(request, (caller, body, c) => orders.ReportGroundsCeasedAsync(caller, orderId, body, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    /// <summary>DSA Art. 9 orders: <c>{"reasons": "..."}</c>, the provider's answer that it gives the order no effect.</summary>
    [Function("GiveNoEffect")]
    [Accepts(typeof(NoEffectRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> GiveNoEffect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/no-effect")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<NoEffectRequest>(request, (caller, body, c) => orders.GiveNoEffectAsync(caller, orderId, body, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    [Function("WithdrawOrder")]
    [Accepts(typeof(WithdrawalRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Withdraw(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/withdrawal")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<WithdrawalRequest>(request, (caller, body, c) => orders.WithdrawAsync(caller, orderId, body, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    [Function("ExtendDeadline")]
    [Accepts(typeof(ExtensionRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Extend(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/extension")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<ExtensionRequest>(request, (caller, body, c) => orders.ExtendAsync(caller, orderId, body, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    [Function("ClarifyOrder")]
    [Accepts(typeof(ClarificationRequest))]
    [Returns(200, typeof(OrderView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.DeadlineNotAllowed, ProblemKind.PreconditionFailed, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Clarify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/orders/{orderId}/clarification")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        Transition<ClarificationRequest>(request, (caller, body, c) => orders.ClarifyAsync(caller, orderId, body, c.ExpectedVersion, c.RequestKey, cancellationToken), cancellationToken);

    private Task<IActionResult> Transition<TBody>(HttpRequest request, Func<Caller, TBody, CommandContext, Task<TakedownOrder>> apply, CancellationToken cancellationToken)
        where TBody : class =>
        api.WriteAsync<TBody>(request, async (caller, body, command) =>
        {
            var order = await apply(caller, body, command);
            return ApiResponse.Ok(OrderView.From(order), HttpApi.OrderETag(order.Version));
        }, cancellationToken);
}

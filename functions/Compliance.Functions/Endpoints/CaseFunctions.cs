using Compliance.Application;
using Compliance.Cases;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>Victim-support cases: opened by a support centre with hashes only, followed by the victim with an access code.</summary>
public sealed class CaseFunctions(HttpApi api, CaseService cases, CaseStatusLimit statusLimit)
{
    public const string AccessCodeHeader = "X-Case-Access-Code";

    [Function("OpenCase")]
    [Accepts(typeof(OpenCaseRequest))]
    [Returns(201, typeof(CaseOpenedView))]
    [Refuses(ProblemKind.ValidationFailed, ProblemKind.UnknownRegime, ProblemKind.UnknownProvider, ProblemKind.RegimeNotForVictims, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Open(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/cases")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.WriteAsync<OpenCaseRequest>(request, async (caller, body, command) =>
        {
            var (opened, accessCode) = await cases.OpenAsync(caller, body, command.RequestKey, cancellationToken);
            return ApiResponse.Created(CaseOpenedView.From(opened, accessCode), $"/api/v1/cases/{opened.CaseId}");
        }, cancellationToken, keepBody: false);

    [Function("GetCase")]
    [Returns(200, typeof(CaseView))]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/cases/{caseId}")] HttpRequest request,
        string caseId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(CaseView.From(await cases.GetAsync(caller, caseId, cancellationToken))), cancellationToken);

    [Function("CloseCase")]
    [Accepts(typeof(CloseCaseRequest))]
    [Returns(200, typeof(CaseView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.IllegalTransition, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/cases/{caseId}/closure")] HttpRequest request,
        string caseId,
        CancellationToken cancellationToken) =>
        api.WriteAsync<CloseCaseRequest>(request, async (caller, body, _) =>
        {
            await cases.CloseAsync(caller, caseId, body, cancellationToken);
            // Without the note and contact: a write's response is kept for its retries.
            return ApiResponse.Ok(CaseView.From(await cases.GetAsync(caller, caseId, cancellationToken)) with { Note = null, Contact = null });
        }, cancellationToken);

    /// <summary>The victim's status page: no account, the access code in a header (never in the URL, which logs keep).</summary>
    [Function("GetCaseStatus")]
    [Anonymous(Header = AccessCodeHeader)]
    [Returns(200, typeof(CaseStatusView))]
    [Refuses(ProblemKind.NotFound, ProblemKind.TooManyRequests)]
    public Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/cases/{caseId}/status")] HttpRequest request,
        string caseId,
        CancellationToken cancellationToken) =>
        api.AnonymousAsync(request, async () =>
        {
            statusLimit.Check(request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return ApiResponse.Ok(CaseStatusView.From(await cases.StatusAsync(caseId, request.Headers[AccessCodeHeader].ToString(), cancellationToken)));
        });

    /// <summary>Erases the personal data of closed cases whose retention is over (CaseErasureSchedule).</summary>
    [Function("EraseCasePersonalData")]
    public Task Erase([TimerTrigger("%CaseErasureSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        cases.EraseExpiredPersonalDataAsync(cancellationToken);
}

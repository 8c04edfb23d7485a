using Compliance.Application;
using Compliance.Cases;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>What providers' upload filters did with matches, and the figures regulators read from it.</summary>
public sealed class MatchReportFunctions(HttpApi api, MatchReportService reports)
{
    [Function("ReportMatch")]
    [Accepts(typeof(MatchReportRequest))]
    [Returns(201, typeof(MatchReportView))]
    [Refuses(ProblemKind.ValidationFailed, ProblemKind.NoBankMatch, ProblemKind.ConcurrencyConflict)]
    public Task<IActionResult> Report(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/hashbank/matches")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.WriteAsync<MatchReportRequest>(request, async (caller, body, command) =>
        {
            var report = await reports.ReportAsync(caller, body, command.RequestKey, cancellationToken);
            return new ApiResponse(201, MatchReportView.From(report));
        }, cancellationToken);

    [Function("GetReuploadFigures")]
    [Returns(200, typeof(ReuploadFiguresView))]
    [Query("from", typeof(DateTimeOffset))]
    [Query("to", typeof(DateTimeOffset))]
    [Refuses(ProblemKind.InvalidQuery)]
    public Task<IActionResult> Figures(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/hashbank/matches/figures")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(ReuploadFiguresView.Of(
            await reports.FiguresAsync(caller, QueryParameters.Time(request, "from"), QueryParameters.Time(request, "to"), cancellationToken))), cancellationToken);
}

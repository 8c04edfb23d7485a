using Compliance.Application;
using Compliance.Cases;
using Compliance.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>What providers' upload filters did with matches, and the figures regulators read from it.</summary>
public sealed class MatchReportFunctions(HttpApi api, MatchReportService reports)
{
    [Function("ReportMatch")]
    public Task<IActionResult> Report(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/hashbank/matches")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.WriteAsync<MatchReportRequest>(request, async (caller, body, command) =>
        {
            var report = await reports.ReportAsync(caller, body, command.RequestKey, cancellationToken);
            return new ApiResponse(201, MatchReportView.From(report));
        }, cancellationToken);

    [Function("GetReuploadFigures")]
    public Task<IActionResult> Figures(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/hashbank/matches/figures")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(ReuploadFiguresView.Of(
            await reports.FiguresAsync(caller, QueryParameters.Time(request, "from"), QueryParameters.Time(request, "to"), cancellationToken))), cancellationToken);
}

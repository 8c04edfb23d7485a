using Compliance.Application;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

public sealed class SlaFunction(HttpApi api, SlaService sla)
{
    /// <summary>A provider's SLA figures as JSON, or as CSV for <c>Accept: text/csv</c>.</summary>
    [Function("GetProviderSla")]
    [Returns(200, typeof(Compliance.Sla.SlaReport))]
    [Returns(200, typeof(string), MediaType = "text/csv")]
    [Query("from", typeof(DateTimeOffset))]
    [Query("to", typeof(DateTimeOffset))]
    [Refuses(ProblemKind.NotFound, ProblemKind.InvalidQuery, ProblemKind.NotAcceptable)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/providers/{providerId}/sla")] HttpRequest request,
        string providerId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
        {
            var format = ContentNegotiation.Choose(request, "application/json", "text/csv");
            var report = await sla.ReportAsync(caller, providerId, QueryParameters.Time(request, "from"), QueryParameters.Time(request, "to"), cancellationToken);
            return format == "text/csv" ? new ApiResponse(200, ReportCsv.Sla(report), ContentType: ApiResponse.Csv) : ApiResponse.Ok(report);
        }, cancellationToken);

    /// <summary>The provider's transparency report per legal basis, as JSON or CSV.</summary>
    [Function("GetTransparencyReport")]
    [Returns(200, typeof(Compliance.Exports.TransparencyReport))]
    [Returns(200, typeof(string), MediaType = "text/csv")]
    [Query("from", typeof(DateTimeOffset))]
    [Query("to", typeof(DateTimeOffset))]
    [Refuses(ProblemKind.NotFound, ProblemKind.InvalidQuery, ProblemKind.NotAcceptable)]
    public Task<IActionResult> Transparency(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/providers/{providerId}/transparency-report")] HttpRequest request,
        string providerId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
        {
            var format = ContentNegotiation.Choose(request, "application/json", "text/csv");
            var report = await sla.TransparencyReportAsync(caller, providerId, QueryParameters.Time(request, "from"), QueryParameters.Time(request, "to"), cancellationToken);
            return format == "text/csv" ? new ApiResponse(200, ReportCsv.Transparency(report), ContentType: ApiResponse.Csv) : ApiResponse.Ok(report);
        }, cancellationToken);
}

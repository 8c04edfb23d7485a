using Compliance.Application;
using Compliance.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

public sealed class SlaFunction(HttpApi api, SlaService sla)
{
    /// <summary>A provider's SLA figures as JSON, or as CSV for <c>Accept: text/csv</c>.</summary>
    [Function("GetProviderSla")]
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

using Compliance.Application;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

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
            var csv = WantsCsv(request);
            var report = await sla.ReportAsync(caller, providerId, QueryParameters.Time(request, "from"), QueryParameters.Time(request, "to"), cancellationToken);
            return csv ? new ApiResponse(200, SlaCsv.Render(report), ContentType: ApiResponse.Csv) : ApiResponse.Ok(report);
        }, cancellationToken);

    private static bool WantsCsv(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted) || accepted.Count == 0)
        {
            return false;
        }

        var best = accepted.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1).ToList();
        foreach (var media in best)
        {
            if (media.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase) || media.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        throw new ComplianceProblem(ProblemKind.NotAcceptable, "The SLA report is available as application/json or text/csv.");
    }
}

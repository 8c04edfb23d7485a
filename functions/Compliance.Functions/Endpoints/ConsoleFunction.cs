using Compliance.Functions.WebConsole;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>The web console: static files at <c>/</c>, and the sign-in settings it reads in Azure.</summary>
public sealed class ConsoleFunction(ConsoleFiles files, ConsoleOptions options, HttpApi api)
{
    /// <summary>
    /// Every GET outside <c>api/</c>: the API keeps its own 404 and 405 answers because the constraint
    /// keeps this route off its paths.
    /// </summary>
    [Function("Console")]
    public IActionResult Serve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "{*path:regex(^(?!api/).*$)}")] HttpRequest request,
        string? path)
    {
        if (files.Find(path) is not { } found)
        {
            return new ResponseResult(HttpApi.Problem(request, new ComplianceProblem(ProblemKind.RouteNotFound, "There is no console page at this path.")));
        }

        // The files change with each deployment and are small: always revalidate.
        request.HttpContext.Response.Headers.CacheControl = "no-cache";
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return new PhysicalFileResult(found.File, found.ContentType);
    }

    /// <summary>Microsoft Entra ID settings for the console's MSAL sign-in (public values: a client id and an authority).</summary>
    [Function("GetConsoleSettings")]
    public Task<IActionResult> Settings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/console/settings")] HttpRequest request) =>
        api.AnonymousAsync(request, () => Task.FromResult(ApiResponse.Ok(new
        {
            clientId = options.ClientId,
            authority = options.Authority,
            scopes = options.Scopes,
        })));
}

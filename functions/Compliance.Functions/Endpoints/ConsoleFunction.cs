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
    /// Every GET that no API route takes (literal routes win over a catch-all). An unknown path under
    /// <c>api/</c> still gets the API's route-not-found, never a console page.
    /// </summary>
    [Function("Console")]
    public IActionResult Serve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "{*path}")] HttpRequest request,
        string? path)
    {
        if (path is not null && (path == "api" || path.StartsWith("api/", StringComparison.OrdinalIgnoreCase)))
        {
            return new ResponseResult(HttpApi.Problem(request, new ComplianceProblem(ProblemKind.RouteNotFound, "There is no endpoint at this path.")));
        }

        return files.Find(path) is { } found
            ? new ConsoleFileResult(found.File, found.ContentType)
            : new ResponseResult(HttpApi.Problem(request, new ComplianceProblem(ProblemKind.RouteNotFound, "There is no console page at this path.")));
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

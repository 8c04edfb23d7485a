using Compliance.Functions.Contract;
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
    [Anonymous]
    [Returns(200, typeof(string), MediaType = "text/html")]
    [Returns(200, typeof(string), MediaType = "text/javascript")]
    [Returns(200, typeof(string), MediaType = "text/css")]
    [Returns(200, typeof(string), MediaType = "application/json")]
    [Returns(200, typeof(string), MediaType = "image/png")]
    [Returns(200, typeof(string), MediaType = "image/svg+xml")]
    [Refuses(ProblemKind.RouteNotFound)]
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
    [Anonymous]
    [Returns(200, typeof(ConsoleSettingsView))]
    public Task<IActionResult> Settings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/console/settings")] HttpRequest request) =>
        api.AnonymousAsync(request, () => Task.FromResult(ApiResponse.Ok(new ConsoleSettingsView(options.ClientId, options.Authority, options.Scopes))));
}

/// <summary>What the console's MSAL sign-in needs; all public.</summary>
public sealed record ConsoleSettingsView(string? ClientId, string? Authority, IReadOnlyList<string> Scopes);

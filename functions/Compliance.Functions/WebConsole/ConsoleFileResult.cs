using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Compliance.Functions.WebConsole;

/// <summary>
/// Sends one console file. Written straight to the response (MVC's PhysicalFileResult needs MVC's
/// executors, which neither host registers).
/// </summary>
public sealed class ConsoleFileResult(string file, string contentType) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = new FileInfo(file).Length;
        // The files change with each deployment and are small: always revalidate.
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (!HttpMethods.IsHead(context.HttpContext.Request.Method))
        {
            await response.SendFileAsync(file, context.HttpContext.RequestAborted);
        }
    }
}

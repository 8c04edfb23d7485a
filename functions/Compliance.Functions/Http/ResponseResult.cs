using System.Text;
using Compliance.Application;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Compliance.Functions.Http;

/// <summary>
/// Writes a rendered response straight to the HTTP response, so it behaves identically under the
/// Functions host and the local host (neither needs MVC formatters).
/// </summary>
public sealed class ResponseResult(StoredResponse response, bool replayed = false) : IActionResult
{
    public StoredResponse Response => response;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext.Response;
        http.StatusCode = response.StatusCode;
        if (response.Location is not null)
        {
            http.Headers.Location = response.Location;
        }

        if (response.ETag is not null)
        {
            http.Headers.ETag = response.ETag;
        }

        if (response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            http.Headers.WWWAuthenticate = "Bearer";
        }

        if (response.ContinuationToken is { } token)
        {
            http.Headers["Continuation-Token"] = token;
        }

        if (response.RetryAfter is { } seconds)
        {
            http.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (replayed)
        {
            http.Headers["Idempotent-Replayed"] = "true";
        }

        http.Headers.CacheControl = "no-store";
        if (response.Body.Length > 0)
        {
            http.ContentType = response.ContentType;
            var bytes = Encoding.UTF8.GetBytes(response.Body);
            http.ContentLength = bytes.Length;
            await http.Body.WriteAsync(bytes, context.HttpContext.RequestAborted);
        }
    }
}

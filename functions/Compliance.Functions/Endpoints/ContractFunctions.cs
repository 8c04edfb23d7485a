using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>The API's OpenAPI document, and Swagger UI to browse it: served by the function app itself, so both hosts serve them.</summary>
public sealed class ContractFunctions(HttpApi api)
{
    [Function("GetOpenApiDocument")]
    [Anonymous]
    [Returns(200, typeof(string))]
    public Task<IActionResult> Document(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest request) =>
        api.AnonymousAsync(request, () => Task.FromResult(new ApiResponse(200, ApiContract.Document, ContentType: ApiResponse.Json)));

    [Function("GetApiDocs")]
    [Anonymous]
    [Returns(200, typeof(string), MediaType = "text/html")]
    public Task<IActionResult> Docs(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/docs")] HttpRequest request) =>
        api.AnonymousAsync(request, () => Task.FromResult(new ApiResponse(200, SwaggerUi.Page, ContentType: ApiResponse.Html)));

    /// <summary>Swagger UI's script and style sheet, from the files the Swashbuckle.AspNetCore.SwaggerUI package embeds.</summary>
    [Function("GetApiDocsAsset")]
    [Anonymous]
    [Returns(200, typeof(string), MediaType = "text/javascript")]
    [Returns(200, typeof(string), MediaType = "text/css")]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> Asset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/docs/{file}")] HttpRequest request,
        string file) =>
        api.AnonymousAsync(request, () => Task.FromResult(SwaggerUi.Asset(file) is { } asset
            ? new ApiResponse(200, asset.Text, ContentType: asset.ContentType)
            : throw ComplianceProblem.NotFound($"Asset {file}")));
}

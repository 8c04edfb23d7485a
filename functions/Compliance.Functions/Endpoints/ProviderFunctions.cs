using Compliance.Application;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Regimes;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

/// <summary>The commission's register of providers, and the legal regimes orders may cite.</summary>
public sealed class ProviderFunctions(HttpApi api, ProviderService providers, RegimeCatalog regimes)
{
    [Function("RegisterProvider")]
    [Accepts(typeof(RegisterProviderRequest))]
    [Returns(201, typeof(ProviderView))]
    [Refuses(ProblemKind.ValidationFailed, ProblemKind.ProviderExists)]
    public Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/providers")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.WriteAsync<RegisterProviderRequest>(request, async (caller, body, _) =>
        {
            var provider = await providers.RegisterAsync(caller, body, cancellationToken);
            return ApiResponse.Created(ProviderView.From(provider), $"/api/v1/providers/{provider.Id}");
        }, cancellationToken);

    /// <summary>TCO Art. 3(2): <c>{"legalBasis": "EU-TCO", "authority": "...", "informedAt"?, "note"?}</c>, the information ahead of an authority's first order.</summary>
    [Function("RecordAdvanceInformation")]
    [Accepts(typeof(AdvanceInformationRequest))]
    [Returns(201, typeof(AdvanceInformation))]
    [Refuses(ProblemKind.NotFound, ProblemKind.ValidationFailed, ProblemKind.UnknownRegime, ProblemKind.UnknownProvider)]
    public Task<IActionResult> AdvanceInformation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/providers/{providerId}/advance-information")] HttpRequest request,
        string providerId,
        CancellationToken cancellationToken) =>
        api.WriteAsync<AdvanceInformationRequest>(request, async (caller, body, _) =>
            new ApiResponse(201, await providers.RecordAdvanceInformationAsync(caller, providerId, body, cancellationToken)), cancellationToken);

    [Function("ListProviders")]
    [Returns(200, typeof(ProviderListView))]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/providers")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller =>
            ApiResponse.Ok(new ProviderListView([.. (await providers.ListAsync(caller, cancellationToken)).Select(ProviderView.From)])), cancellationToken);

    [Function("GetProvider")]
    [Returns(200, typeof(ProviderView))]
    [Refuses(ProblemKind.NotFound)]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/providers/{providerId}")] HttpRequest request,
        string providerId,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, async caller => ApiResponse.Ok(ProviderView.From(await providers.GetAsync(caller, providerId, cancellationToken))), cancellationToken);

    [Function("ListRegimes")]
    [Returns(200, typeof(RegimeListView))]
    public Task<IActionResult> Regimes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/regimes")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.ReadAsync(request, _ => Task.FromResult(ApiResponse.Ok(new RegimeListView([.. regimes.All.Select(RegimeView.From)]))), cancellationToken);
}

using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.Infrastructure.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Endpoints;

public sealed class HealthFunction(HttpApi api, StorageHealth storage)
{
    /// <summary>Always 200 while the app runs, so probes see the app; each dependency's state is in the body.</summary>
    [Function("Health")]
    [Anonymous]
    [Returns(200, typeof(HealthView))]
    public Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken) =>
        api.AnonymousAsync(request, async () =>
        {
            var dependencies = await storage.CheckAsync(cancellationToken);
            return ApiResponse.Ok(new HealthView(
                dependencies.All(d => d.Healthy) ? "healthy" : "degraded",
                dependencies.ToDictionary(d => d.Name, d => new DependencyHealthView(d.Healthy, d.Detail))));
        });
}

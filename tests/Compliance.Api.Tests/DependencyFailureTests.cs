using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>With storage unreachable the API degrades cleanly: 503 with Retry-After, never a bare 500.</summary>
public sealed class DependencyFailureTests
{
    private const string Unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";

    [Fact]
    public async Task Storage_outage_gives_503_and_a_degraded_health_report()
    {
        await using var host = await ComplianceHost.StartAsync(true, null, "--ComplianceStorage", Unreachable, "--LocalHost:DisableBlobTriggers", "true");

        var health = await host.GetAsync("/api/health", token: null);
        Assert.Equal(200, health.Status);
        Assert.Equal("degraded", health.Str("status"));
        Assert.False(health.Json.GetProperty("dependencies").GetProperty("tables").GetProperty("healthy").GetBoolean());

        var write = await host.PostAsync("/api/v1/providers", host.Commission, new { id = "p-down", name = "n", jurisdiction = "KR", contact = "c@x.example" });
        AssertProblem(write, 503, "service-unavailable");
        Assert.Equal("5", write.Headers.RetryAfter!.ToString());
    }
}

/// <summary>The development signing key is public: a host that would accept it in production refuses to start.</summary>
public sealed class ProductionStartTests
{
    [Theory]
    [InlineData("--WEBSITE_SITE_NAME", "compliance-prod")]
    [InlineData("--AZURE_FUNCTIONS_ENVIRONMENT", "Production")]
    public async Task A_production_start_with_the_development_signing_key_is_refused(string setting, string value)
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await ComplianceHost.StartAsync(true, null, setting, value));

        Assert.Contains("public development key", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_development_start_with_it_runs()
    {
        await using var host = await ComplianceHost.StartAsync(true, null, "--AZURE_FUNCTIONS_ENVIRONMENT", "Development");

        Assert.Equal(200, (await host.GetAsync("/api/health", token: null)).Status);
    }
}

public sealed class SetupStepTests
{
    [Fact]
    public async Task A_failed_setup_is_tried_again_and_a_successful_one_never()
    {
        var runs = 0;
        var step = new Compliance.Infrastructure.Storage.SetupStep(async () =>
        {
            await Task.Yield();
            if (++runs == 1)
            {
                throw new Azure.RequestFailedException(503, "storage unavailable");
            }
        });

        await Assert.ThrowsAsync<Azure.RequestFailedException>(step.EnsureAsync);
        await step.EnsureAsync();
        await step.EnsureAsync();

        Assert.Equal(2, runs);
    }
}

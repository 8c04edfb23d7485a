using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

public sealed class HealthAndRoutingTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task Health_reports_each_dependency()
    {
        var reply = await Host.GetAsync("/api/health", token: null);

        Assert.Equal(200, reply.Status);
        Assert.Equal("healthy", reply.Str("status"));
        Assert.True(reply.Json.GetProperty("dependencies").GetProperty("tables").GetProperty("healthy").GetBoolean());
        Assert.True(reply.Json.GetProperty("dependencies").GetProperty("blobs").GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task Unknown_paths_and_wrong_methods_answer_in_problem_json()
    {
        AssertProblem(await Host.GetAsync("/api/v1/nothing-here", Host.Commission), 404, "route-not-found");
        AssertProblem(await Host.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/orders"), Host.Commission), 405, "method-not-allowed");
    }

    [Fact]
    public async Task Regimes_are_listed_from_configuration()
    {
        var reply = await Host.GetAsync("/api/v1/regimes", Host.Regulator);

        Assert.Equal(200, reply.Status);
        var tco = reply.Json.GetProperty("regimes").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "EU-TCO");
        Assert.Equal(3600, tco.GetProperty("clockSeconds").GetDouble());
        Assert.Equal("restarts_on_clarification", tco.GetProperty("objections").GetProperty("manifest_error").GetString());
    }
}

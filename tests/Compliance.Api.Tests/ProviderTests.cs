using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

public sealed class ProviderTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task Registering_stores_the_provider_and_a_different_one_under_the_same_id_is_a_conflict()
    {
        var body = new { id = "kakao-test", name = "Kakao", jurisdiction = "KR", contact = "legal@kakao.example" };
        var created = await Host.PostAsync("/api/v1/providers", Host.Commission, body);
        Assert.Equal(201, created.Status);
        Assert.Equal("/api/v1/providers/kakao-test", created.Location);

        var same = await Host.PostAsync("/api/v1/providers", Host.Commission, body);
        Assert.Equal(201, same.Status);

        var clash = await Host.PostAsync("/api/v1/providers", Host.Commission, body with { name = "Someone else" });
        AssertProblem(clash, 409, "provider-exists");

        var read = await Host.GetAsync("/api/v1/providers/kakao-test", Host.Regulator);
        Assert.Equal("Kakao", read.Str("name"));
        Assert.Equal("legal@kakao.example", read.Str("contact"));
    }

    [Fact]
    public async Task Provider_ids_and_fields_are_validated()
    {
        var reply = await Host.PostAsync("/api/v1/providers", Host.Commission, new { id = "Has Spaces", name = "", jurisdiction = "KR" });

        AssertProblem(reply, 400, "validation-failed");
        Assert.Equal(["contact", "id", "name"], reply.Json.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}

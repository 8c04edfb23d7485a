namespace Compliance.Console.Tests;

/// <summary>The console's files and the development token endpoint, over HTTP without a browser.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleServingTests(ConsoleFixture console)
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/index.html", "text/html")]
    [InlineData("/app.css", "text/css")]
    [InlineData("/js/pdq.js", "text/javascript")]
    [InlineData("/vendor/chart.umd.min.js", "text/javascript")]
    [InlineData("/vendor/msal-browser.min.js", "text/javascript")]
    public async Task Files_are_served_with_their_content_type(string path, string mediaType)
    {
        using var response = await console.Host.Http.GetAsync(path);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/%2e%2e/%2e%2e/host.json")]
    [InlineData("/js/..%2F..%2Fhost.json")]
    [InlineData("/..%5Chost.json")]
    [InlineData("/.hidden")]
    [InlineData("/no-such-page.html")]
    [InlineData("/js")]
    public async Task Paths_outside_the_console_or_missing_get_route_not_found(string path)
    {
        var reply = await console.Host.GetAsync(path, null);

        Assert.Equal(404, reply.Status);
        Assert.Equal("urn:compliance:problem:route-not-found", reply.ProblemType);
    }

    [Fact]
    public async Task An_unknown_api_path_is_the_apis_route_not_found_not_a_console_page()
    {
        var reply = await console.Host.GetAsync("/api/v1/no-such-thing", console.Host.Commission);

        Assert.Equal(404, reply.Status);
        Assert.Equal("urn:compliance:problem:route-not-found", reply.ProblemType);
    }

    [Fact]
    public async Task The_local_host_mints_a_token_the_api_accepts_for_the_role_picked()
    {
        var minted = await console.Host.PostAsync("/api/dev/tokens", null, new { role = "provider", subject = "ts-1", providerId = "prov-a" }, idempotencyKey: null);
        Assert.Equal(200, minted.Status);

        var providers = await console.Host.GetAsync("/api/v1/providers", minted.Str("token"));

        Assert.Equal(200, providers.Status);
        Assert.Equal(["prov-a"], providers.Json.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("system")]
    [InlineData("admin")]
    [InlineData(null)]
    public async Task The_token_endpoint_refuses_roles_a_person_cannot_hold(string? role)
    {
        var reply = await console.Host.PostAsync("/api/dev/tokens", null, new { role, subject = "x" }, idempotencyKey: null);

        Assert.Equal(400, reply.Status);
        Assert.Equal("urn:compliance:problem:validation-failed", reply.ProblemType);
    }

    [Fact]
    public async Task A_provider_token_needs_its_provider()
    {
        var reply = await console.Host.PostAsync("/api/dev/tokens", null, new { role = "provider", subject = "x" }, idempotencyKey: null);

        Assert.Equal(400, reply.Status);
        Assert.Equal("urn:compliance:problem:validation-failed", reply.ProblemType);
    }

    [Fact]
    public void The_deployed_app_has_no_token_endpoint_only_the_local_host_maps_it()
    {
        var catalog = Compliance.LocalHost.FunctionCatalog.Discover(typeof(Compliance.Functions.ComplianceComposition).Assembly);

        Assert.DoesNotContain(catalog.Http, f => f.Route.Contains("dev", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(catalog.Http, f => f.Name == "Console" && f.Route == "{*path}");
    }
}

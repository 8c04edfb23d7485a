using Compliance.Access;
using Compliance.Infrastructure.Identity;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>Every endpoint against every kind of caller, each on a fresh order in a state where the action is legal.</summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.Fixture fixture) : IClassFixture<AuthorizationMatrixTests.Fixture>
{
    private const string Owner = "prov-a";
    private const string Other = "prov-b";

    private ComplianceHost Host => fixture.Host;

    public static TheoryData<string, string, int> Matrix()
    {
        // caller: anonymous | commission | regulator | owner (the addressed provider) | other (another provider) | support (a victim-support centre)
        var expected = new Dictionary<string, int[]>
        {
            //                              anon commission regulator owner other support
            ["register-provider"] = [401, 201, 403, 403, 403, 403],
            ["list-providers"] = [401, 200, 200, 200, 200, 200],
            ["get-provider"] = [401, 200, 200, 200, 404, 200],
            ["list-regimes"] = [401, 200, 200, 200, 200, 200],
            ["issue-order"] = [401, 201, 403, 403, 403, 403],
            ["list-orders"] = [401, 200, 200, 200, 200, 403],
            ["get-order"] = [401, 200, 200, 200, 404, 403],
            ["history"] = [401, 200, 200, 200, 404, 403],
            ["acknowledge"] = [401, 403, 403, 200, 404, 403],
            ["confirm"] = [401, 403, 403, 200, 404, 403],
            ["object"] = [401, 403, 403, 200, 404, 403],
            ["withdraw"] = [401, 200, 403, 403, 403, 403],
            ["extend"] = [401, 200, 403, 403, 403, 403],
            ["clarify"] = [401, 200, 403, 403, 403, 403],
            ["grounds-ceased"] = [401, 403, 403, 200, 404, 403],
            ["sla"] = [401, 403, 200, 200, 404, 403],
            ["create-media-upload"] = [401, 201, 403, 403, 403, 403],
            ["list-media"] = [401, 200, 200, 200, 404, 403],
            ["hashbank-lookup"] = [401, 200, 200, 200, 200, 403],
            ["hashbank-export"] = [401, 200, 200, 200, 200, 403],
            ["open-case"] = [401, 403, 403, 403, 403, 201],
            ["get-case"] = [401, 200, 200, 403, 403, 200],
            ["close-case"] = [401, 403, 403, 403, 403, 200],
            ["report-match"] = [401, 403, 403, 201, 201, 403],
            ["reupload-figures"] = [401, 200, 200, 403, 403, 403],
        };
        string[] callers = ["anonymous", "commission", "regulator", "owner", "other", "support"];
        var data = new TheoryData<string, string, int>();
        foreach (var (endpoint, statuses) in expected)
        {
            for (var i = 0; i < callers.Length; i++)
            {
                data.Add(endpoint, callers[i], statuses[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_may_do_exactly_what_it_is_entitled_to(string endpoint, string caller, int expected)
    {
        var order = (await Host.IssueAsync(Owner)).GetProperty("orderId").GetString();
        if (endpoint == "clarify")
        {
            await Host.PostAsync($"/api/v1/orders/{order}/objection", Host.Provider(Owner), new { ground = "manifest_error", explanation = "x" });
        }

        if (endpoint == "grounds-ceased")
        {
            await Host.PostAsync($"/api/v1/orders/{order}/objection", Host.Provider(Owner), new { ground = "force_majeure", explanation = "outage" });
        }

        var token = caller switch
        {
            "anonymous" => null,
            "commission" => Host.Commission,
            "regulator" => Host.Regulator,
            "owner" => Host.Provider(Owner),
            "support" => Host.Token(Role.Support, subject: Fixture.SupportCentre),
            _ => Host.Provider(Other),
        };
        var caseBody = new { legalBasis = "KR-TBA-22-5", hashes = new[] { new { pdq = Fixture.BankedPdq } }, locations = new[] { new { providerId = Owner, url = "https://v.example/case" } } };
        var now = Host.Clock.GetUtcNow();
        var reply = endpoint switch
        {
            "register-provider" => await Host.PostAsync("/api/v1/providers", token, new { id = "p-" + Guid.NewGuid().ToString("N")[..8], name = "n", jurisdiction = "KR", contact = "c@x.example" }),
            "list-providers" => await Host.GetAsync("/api/v1/providers", token),
            "get-provider" => await Host.GetAsync($"/api/v1/providers/{Owner}", token),
            "list-regimes" => await Host.GetAsync("/api/v1/regimes", token),
            "issue-order" => await Host.PostAsync("/api/v1/orders", token, new { providerId = Owner, legalBasis = "KR-TBA-22-5", items = new[] { new { url = "https://v.example/1" } }, reason = "r" }),
            "list-orders" => await Host.GetAsync("/api/v1/orders", token),
            "get-order" => await Host.GetAsync($"/api/v1/orders/{order}", token),
            "history" => await Host.GetAsync($"/api/v1/orders/{order}/history", token),
            "acknowledge" => await Host.PostAsync($"/api/v1/orders/{order}/acknowledgement", token, null),
            "confirm" => await Host.PostAsync($"/api/v1/orders/{order}/confirmation", token, new { removedAt = now, action = "removed" }),
            "object" => await Host.PostAsync($"/api/v1/orders/{order}/objection", token, new { ground = "force_majeure", explanation = "outage" }),
            "withdraw" => await Host.PostAsync($"/api/v1/orders/{order}/withdrawal", token, new { reason = "r" }),
            "extend" => await Host.PostAsync($"/api/v1/orders/{order}/extension", token, new { dueAt = now.AddHours(30), reason = "r" }),
            "clarify" => await Host.PostAsync($"/api/v1/orders/{order}/clarification", token, new { explanation = "e" }),
            "grounds-ceased" => await Host.PostAsync($"/api/v1/orders/{order}/grounds-ceased", token, new { explanation = "power restored" }),
            "sla" => await Host.GetAsync($"/api/v1/providers/{Owner}/sla", token),
            "create-media-upload" => await Host.PostAsync($"/api/v1/orders/{order}/media", token, null),
            "list-media" => await Host.GetAsync($"/api/v1/orders/{order}/media", token),
            "hashbank-lookup" => await Host.PostAsync("/api/v1/hashbank/lookup", token, new { pdq = new string('a', 64) }, idempotencyKey: null),
            "hashbank-export" => await Host.GetAsync("/api/v1/hashbank?since=2026-01-01T00:00:00Z", token),
            "open-case" => await Host.PostAsync("/api/v1/cases", token, caseBody),
            "get-case" => await Host.GetAsync($"/api/v1/cases/{fixture.CaseId}", token),
            "close-case" => await Host.PostAsync($"/api/v1/cases/{(await Host.PostAsync("/api/v1/cases", Host.Token(Role.Support, subject: Fixture.SupportCentre), caseBody)).Str("caseId")}/closure", token, new { reason = "done" }),
            "report-match" => await Host.PostAsync("/api/v1/hashbank/matches", token, new { pdq = Fixture.BankedPdq, action = "blocked", at = now }),
            "reupload-figures" => await Host.GetAsync("/api/v1/hashbank/matches/figures", token),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

        Assert.True(expected == reply.Status, $"{caller} on {endpoint}: expected {expected}, got {reply}");
        switch (expected)
        {
            case 401:
                AssertProblem(reply, 401, "unauthenticated");
                Assert.Equal("Bearer", reply.Headers.WwwAuthenticate.Single().Scheme);
                break;
            case 403:
                AssertProblem(reply, 403, "forbidden");
                break;
            case 404:
                AssertProblem(reply, 404, "not-found");
                break;
        }

        if (endpoint == "list-orders" && caller == "other")
        {
            Assert.DoesNotContain(reply.Json.GetProperty("orders").EnumerateArray(), o => o.GetProperty("providerId").GetString() == Owner);
        }

        if (endpoint == "list-providers" && caller is "owner" or "other")
        {
            Assert.Equal([caller == "owner" ? Owner : Other], reply.Json.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        }
    }

    [Fact]
    public async Task Tokens_are_checked_for_lifetime_audience_signature_and_role_claims()
    {
        var now = Host.Clock.GetUtcNow();
        var expired = DevelopmentTokens.Create(Role.Regulator, null, "r", now.AddHours(-3), TimeSpan.FromHours(1));
        var forged = DevelopmentTokens.Create(Role.Regulator, null, "r", now, TimeSpan.FromHours(1), Convert.ToBase64String(new byte[32]));
        var providerWithoutId = DevelopmentTokens.Create(Role.Provider, null, "p", now, TimeSpan.FromHours(1));

        var expiredReply = await Host.GetAsync("/api/v1/orders", expired);
        AssertProblem(expiredReply, 401, "unauthenticated");
        Assert.Equal("The bearer token has expired or is not yet valid.", expiredReply.Json.GetProperty("detail").GetString());
        AssertProblem(await Host.GetAsync("/api/v1/orders", forged), 401, "unauthenticated");
        AssertProblem(await Host.GetAsync("/api/v1/orders", "not-a-jwt"), 401, "unauthenticated");
        AssertProblem(await Host.GetAsync("/api/v1/orders", providerWithoutId), 403, "forbidden");
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public const string SupportCentre = "centre-matrix";
        public const string BankedPdq = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";

        public ComplianceHost Host { get; private set; } = null!;

        /// <summary>A case of the support centre, with <see cref="BankedPdq"/> in the bank for match reports.</summary>
        public string CaseId { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Host = await ComplianceHost.StartAsync();
            await Host.RegisterProviderAsync(Owner);
            await Host.RegisterProviderAsync(Other);
            var opened = await Host.PostAsync("/api/v1/cases", Host.Token(Role.Support, subject: SupportCentre), new { legalBasis = "KR-TBA-22-5", hashes = new[] { new { pdq = BankedPdq } }, locations = new[] { new { providerId = Owner, url = "https://v.example/matrix" } } });
            Assert.Equal(201, opened.Status);
            CaseId = opened.Str("caseId");
        }

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}

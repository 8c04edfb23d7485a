using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Compliance.Access;
using Compliance.Infrastructure.Identity;
using Compliance.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Compliance.Api.Tests;

/// <summary>
/// The local host serving the function classes on a loopback port, against the Azurite that
/// infra/test started, with tables of its own (a unique prefix) so test classes never share data.
/// </summary>
public sealed class ComplianceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ComplianceHost(WebApplication app, TimeProvider clock, string tablePrefix)
    {
        _app = app;
        Clock = clock;
        TablePrefix = tablePrefix;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Connection string of the Azurite under test: infra/test sets it, else the default ports.</summary>
    public static string StorageConnection => Environment.GetEnvironmentVariable("COMPLIANCE_TEST_STORAGE") ?? "UseDevelopmentStorage=true";

    public HttpClient Http { get; }

    public TimeProvider Clock { get; }

    public FakeTimeProvider FakeClock => (FakeTimeProvider)Clock;

    public string TablePrefix { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<ComplianceHost> StartAsync(bool fakeClock = true, string? sweepSchedule = null, params string[] extraArgs) =>
        StartAsync(fakeClock, sweepSchedule, null, extraArgs);

    /// <summary>A host whose services <paramref name="replace"/> may wrap (a gate around a store, to make a race certain).</summary>
    public static Task<ComplianceHost> StartWithAsync(Action<IServiceCollection> replace, params string[] extraArgs) =>
        StartAsync(true, null, replace, extraArgs);

    private static async Task<ComplianceHost> StartAsync(bool fakeClock, string? sweepSchedule, Action<IServiceCollection>? replace, string[] extraArgs)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        TimeProvider clock = fakeClock ? new FakeTimeProvider(DateTimeOffset.UtcNow) : TimeProvider.System;
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--ComplianceStorage", StorageConnection,
            "--Storage:TablePrefix", prefix,
            "--MediaIncomingContainer", prefix + "-incoming",
            "--MediaQuarantineContainer", prefix + "-quarantine",
            "--AuditContainer", prefix + "-audit",
            "--LocalHost:DisableTimers", (sweepSchedule is null).ToString(),
            "--DeadlineSweepSchedule", sweepSchedule ?? "0 0 1 1 *",
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning",
            .. extraArgs,
        ];
        var app = LocalFunctionsHost.Build(args, builder =>
        {
            builder.Services.AddSingleton(clock);
            replace?.Invoke(builder.Services);
        });
        await app.StartAsync();
        return new ComplianceHost(app, clock, prefix);
    }

    public string Token(Role role, string? providerId = null, string? subject = null) =>
        DevelopmentTokens.Create(role, providerId, subject ?? $"test-{role}".ToLowerInvariant(), Clock.GetUtcNow(), TimeSpan.FromHours(2));

    public string Commission => Token(Role.Commission);

    public string Regulator => Token(Role.Regulator);

    public string Provider(string providerId) => Token(Role.Provider, providerId);

    public Task<Reply> GetAsync(string path, string? token, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return SendAsync(request, token);
    }

    /// <summary>POSTs JSON (an object, or a raw string sent as is) with a fresh Idempotency-Key unless one is given.</summary>
    public Task<Reply> PostAsync(string path, string? token, object? body, string? idempotencyKey = "", string? ifMatch = null)
    {
        var json = body switch { null => null, string raw => raw, _ => JsonSerializer.Serialize(body, Json) };
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey.Length == 0 ? Guid.NewGuid().ToString() : idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        }

        return SendAsync(request, token);
    }

    public async Task<Reply> SendAsync(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (ContractValidator.Check(request.Method.Method, request.RequestUri!.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString, (int)response.StatusCode, mediaType, text) is { } breach)
        {
            throw new Xunit.Sdk.XunitException("The response breaks the OpenAPI contract: " + breach);
        }

        return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType, response.Headers, response.Headers.ETag?.Tag, response.Headers.Location?.ToString());
    }

    public async Task<string> RegisterProviderAsync(string? id = null)
    {
        id ??= "p-" + Guid.NewGuid().ToString("N")[..10];
        var reply = await PostAsync("/api/v1/providers", Commission, new { id, name = $"Provider {id}", jurisdiction = "KR", contact = $"legal@{id}.example" });
        Assert.Equal(201, reply.Status);
        return id;
    }

    public async Task<JsonElement> IssueAsync(string providerId, string legalBasis = "KR-TBA-22-5", DateTimeOffset? dueAt = null)
    {
        var reply = await PostAsync("/api/v1/orders", Commission, WithNotice(new
        {
            providerId,
            legalBasis,
            items = new[] { new { url = "https://video.example/watch/123", description = "clip" } },
            reason = "Sexual deepfake of an identifiable person",
            dueAt,
        }));
        Assert.Equal(201, reply.Status);
        return reply.Json;
    }

    /// <summary>
    /// An order body with every notice field any regime requires (reference, authority, provisions,
    /// redress, TAKE IT DOWN's statement, OSA's complaint reference, and for the DSA a territorial
    /// scope), unless the body sets it.
    /// </summary>
    public static System.Text.Json.Nodes.JsonObject WithNotice(object body)
    {
        var order = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(body, Json))!.AsObject();
        var notice = new System.Text.Json.Nodes.JsonObject
        {
            ["referenceNumber"] = "REF-2026-0042",
            ["issuingAuthority"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "Competent authority", ["country"] = "DE", ["contact"] = "orders@authority.example" },
            ["legalProvisions"] = new System.Text.Json.Nodes.JsonArray("Art. 3(1)"),
            ["redress"] = "Administrative court, within one month of receipt",
            ["nonConsentStatement"] = new System.Text.Json.Nodes.JsonObject { ["signedBy"] = "A. Person", ["signedAt"] = "2026-12-01T09:00:00Z", ["contact"] = "person@example.org" },
            ["complaintReference"] = "CMP-77",
        };
        if (order["legalBasis"]?.GetValue<string>() == "EU-DSA-ART9")
        {
            notice["territorialScope"] = new System.Text.Json.Nodes.JsonArray("DE", "AT");
        }

        foreach (var (name, value) in notice)
        {
            if (!order.ContainsKey(name))
            {
                order[name] = value?.DeepClone();
            }
        }

        return order;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}

public sealed record Reply(int Status, string Text, string? ContentType, HttpResponseHeaders Headers, string? ETag, string? Location)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string? ProblemType => ContentType == "application/problem+json" ? Json.GetProperty("type").GetString() : null;

    public string Str(string property) => Json.GetProperty(property).GetString()!;

    public override string ToString() => $"{Status} {Text}";
}

/// <summary>One host per test class; xunit runs a class's tests one after another.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public ComplianceHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await ComplianceHost.StartAsync();

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

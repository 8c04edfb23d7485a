using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Access;
using Compliance.Functions.Contract;
using Compliance.Functions.Http;
using Compliance.LocalHost;
using Json.Schema;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Api.Tests;

/// <summary>
/// The OpenAPI document against the code: every HTTP function is in it, every problem type is, and it
/// is what the running host serves. Live responses are checked against it in every end-to-end test
/// (<see cref="ContractValidator"/>, called by <see cref="ComplianceHost"/>).
/// </summary>
public sealed class OpenApiContractTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    private static readonly Assembly FunctionApp = typeof(HttpApi).Assembly;

    [Fact]
    public async Task Every_http_function_is_an_operation_of_the_served_document()
    {
        var reply = await Host.GetAsync("/api/openapi.json", null);
        Assert.Equal(200, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        var document = JsonNode.Parse(reply.Text)!.AsObject();
        Assert.Equal("3.1.1", document["openapi"]!.GetValue<string>());

        // Found here by reflection of its own, not through the code that builds the document.
        var functions = FunctionApp.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null)))
            .Where(f => f.Function is not null && f.Trigger is not null)
            .ToList();
        Assert.True(functions.Count >= 40, $"only {functions.Count} HTTP functions found");
        var missing = new List<string>();
        foreach (var (function, trigger) in functions)
        {
            var path = "/" + System.Text.RegularExpressions.Regex.Replace(trigger!.Route!, @"\{\*?([A-Za-z0-9_]+)[^}]*\}", "{$1}");
            foreach (var verb in trigger.Methods!)
            {
                if (document["paths"]?[path]?[verb]?["operationId"]?.GetValue<string>() != function!.Name)
                {
                    missing.Add($"{verb.ToUpperInvariant()} {path} ({function!.Name})");
                }
            }
        }

        Assert.Empty(missing);
        var operations = document["paths"]!.AsObject().Sum(p => p.Value!.AsObject().Count(o => !o.Key.StartsWith("x-", StringComparison.Ordinal)));
        Assert.Equal(functions.Sum(f => f.Trigger!.Methods!.Length), operations);

        // The local host maps exactly these functions too.
        Assert.Equal(functions.Count, FunctionCatalog.Discover(FunctionApp).Http.Count);
    }

    [Fact]
    public void An_http_function_left_out_of_the_document_is_reported()
    {
        var document = ApiContract.Build(FunctionApp);
        Assert.NotNull(document["paths"]!["/api/v1/orders"]!["post"]);

        // The document is built from the attributes: another assembly's functions are not in it.
        var other = ApiContract.Build(typeof(ContractValidator).Assembly);
        Assert.Empty(other["paths"]!.AsObject());
    }

    [Fact]
    public void Every_problem_type_is_in_the_document()
    {
        var document = JsonNode.Parse(ApiContract.Document)!;
        var types = document["components"]!["schemas"]![ApiContract.ProblemSchema]!["properties"]!["type"]!["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();

        var expected = Enum.GetValues<Compliance.Problems.ProblemKind>().Select(k => ProblemType.For(k).Type)
            .Append("urn:compliance:problem:internal-error").Append("urn:compliance:problem:service-unavailable").Append("urn:compliance:problem:client-closed-request")
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, types.Order(StringComparer.Ordinal).ToList());
        Assert.Contains("urn:compliance:problem:idempotency-key-reused", types);
        Assert.Equal(28, types.Count);

        // Each operation's refusals name their types: issuing an order can meet an unknown provider.
        var issue = document["paths"]!["/api/v1/orders"]!["post"]!["responses"]!;
        var unprocessable = issue["422"]!["content"]!["application/problem+json"]!["schema"]!["properties"]!["type"]!["enum"]!.AsArray().Select(t => t!.GetValue<string>());
        Assert.Equal(["urn:compliance:problem:deadline-not-allowed", "urn:compliance:problem:idempotency-key-reused", "urn:compliance:problem:unknown-provider", "urn:compliance:problem:unknown-regime"], unprocessable);
    }

    [Fact]
    public void Every_schema_of_the_document_is_valid_JSON_Schema_2020_12()
    {
        var document = JsonNode.Parse(ApiContract.Document)!;
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        {
            using var json = JsonDocument.Parse(schema!.ToJsonString());
            var result = MetaSchemas.Draft202012.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag });
            Assert.True(result.IsValid, name);
        }

        // Strict like the parser: an issue request with a misspelt field breaks its schema.
        var issue = document["components"]!["schemas"]!["IssueOrderRequest"]!;
        Assert.False(issue["additionalProperties"]!.GetValue<bool>());
        Assert.Contains("legalBasis", issue["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_live_response_that_strays_from_the_document_is_caught()
    {
        var provider = await Host.RegisterProviderAsync();
        var order = await Host.IssueAsync(provider);
        var orderId = order.GetProperty("orderId").GetString()!;
        var reply = await Host.GetAsync($"/api/v1/orders/{orderId}", Host.Commission);
        Assert.Equal(200, reply.Status);
        Assert.Null(ContractValidator.Check("GET", $"/api/v1/orders/{orderId}", 200, "application/json", reply.Text));

        var withoutStatus = JsonNode.Parse(reply.Text)!.AsObject();
        withoutStatus.Remove("status");
        Assert.Contains("required", ContractValidator.Check("GET", $"/api/v1/orders/{orderId}", 200, "application/json", withoutStatus.ToJsonString()), StringComparison.OrdinalIgnoreCase);

        var wrongStatus = JsonNode.Parse(reply.Text)!.AsObject();
        wrongStatus["status"] = "lost";
        Assert.NotNull(ContractValidator.Check("GET", $"/api/v1/orders/{orderId}", 200, "application/json", wrongStatus.ToJsonString()));

        Assert.Equal("GetOrder: status 418 is not in the document ()", ContractValidator.Check("GET", $"/api/v1/orders/{orderId}", 418, null, string.Empty));
        // Every GET path is the console's catch-all; no other verb is.
        Assert.Equal("POST /api/v1/nowhere: no such operation in the document", ContractValidator.Check("POST", "/api/v1/nowhere", 200, "application/json", "{}"));

        // A problem type the operation does not declare is caught too.
        var problem = """{"type":"urn:compliance:problem:provider-exists","title":"Provider already registered","status":409,"detail":"x","instance":"/x"}""";
        Assert.NotNull(ContractValidator.Check("GET", $"/api/v1/orders/{orderId}", 409, "application/problem+json", problem));
    }

    [Fact]
    public async Task Swagger_ui_is_served_at_api_docs_with_its_assets()
    {
        var page = await Host.GetAsync("/api/docs", null);
        Assert.Equal(200, page.Status);
        Assert.Equal("text/html", page.ContentType);
        Assert.Contains("url: \"/api/openapi.json\"", page.Text, StringComparison.Ordinal);

        var bundle = await Host.GetAsync("/api/docs/swagger-ui-bundle.js", null);
        Assert.Equal(200, bundle.Status);
        Assert.Equal("text/javascript", bundle.ContentType);
        Assert.Contains("SwaggerUIBundle", bundle.Text, StringComparison.Ordinal);
        var css = await Host.GetAsync("/api/docs/swagger-ui.css", null);
        Assert.Equal("text/css", css.ContentType);
        Assert.True(css.Text.Length > 10_000);

        var missing = await Host.GetAsync("/api/docs/appsettings.json", null);
        Assert.Equal(404, missing.Status);
        Assert.Equal("urn:compliance:problem:not-found", missing.ProblemType);
    }
}

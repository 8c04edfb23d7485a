using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Compliance.Functions.Contract;
using Json.Schema;

namespace Compliance.Api.Tests;

/// <summary>
/// Checks a live response against the OpenAPI document the function app serves: the operation must
/// exist, must declare the status and media type, and a JSON body must match the declared schema
/// (evaluated by JsonSchema.Net, a JSON Schema 2020-12 implementation). Every request a test sends
/// through <see cref="ComplianceHost"/> is checked, so the end-to-end suite is the contract test.
/// </summary>
public static class ContractValidator
{
    private static readonly JsonObject Document = JsonNode.Parse(ApiContract.Document)!.AsObject();

    /// <summary>Literal paths first, then by their number of parameters, catch-all routes last.</summary>
    private static readonly IReadOnlyList<(Regex Pattern, int Parameters, JsonObject Item)> Paths =
        [.. Document["paths"]!.AsObject()
            .Select(p => (Pattern(p.Key, p.Value!["x-catch-all"] is not null), Regex.Count(p.Key, "{") + (p.Value!["x-catch-all"] is not null ? 100 : 0), p.Value!.AsObject()))
            .OrderBy(p => p.Item2)];

    // Lazy: JsonSchema.Net registers each compiled schema by its $id, and a second registration throws.
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Schemas = new();

    private static Regex Pattern(string template, bool catchAll) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", catchAll ? ".*" : "[^/]+") + "$");

    private const string LocalOnlyPrefix = "/api/dev/";

    /// <summary>Null when the response is what the document says, else what is wrong.</summary>
    public static string? Check(string method, string path, int status, string? mediaType, string body)
    {
        var route = path.Split('?')[0];
        if (route.StartsWith(LocalOnlyPrefix, StringComparison.Ordinal))
        {
            // Only the local host maps these (development tokens); the deployed app, whose contract this is, has none.
            return null;
        }

        var item = Paths.FirstOrDefault(p => p.Pattern.IsMatch(route)).Item;
        if (item is null)
        {
            // The host's own answers for what is no endpoint.
            return status == 404 && body.Contains("route-not-found", StringComparison.Ordinal) ? null : $"{method} {route}: no such path in the document";
        }

        if (item[method.ToLowerInvariant()] is not JsonObject operation)
        {
            return status == 405 ? null : $"{method} {route}: no such operation in the document";
        }

        var name = operation["operationId"]!.GetValue<string>();
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation["responses"]![code] is not JsonObject response)
        {
            return $"{name}: status {status} is not in the document ({body[..Math.Min(body.Length, 300)]})";
        }

        if (body.Length == 0)
        {
            return null;
        }

        var content = response["content"]!.AsObject();
        var declared = content.FirstOrDefault(c => c.Key == mediaType).Value;
        if (declared is null)
        {
            return $"{name}: {status} {mediaType} is not in the document (declared: {string.Join(", ", content.Select(c => c.Key))})";
        }

        if (mediaType is not ("application/json" or "application/problem+json") || name == "GetOpenApiDocument")
        {
            return null;
        }

        var schema = Schemas.GetOrAdd($"{name}/{code}/{mediaType}", key => new Lazy<JsonSchema>(() => Compile(key, declared["schema"]!))).Value;
        using var instance = JsonDocument.Parse(body);
        var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? null
            : $"{name}: {status} body does not match its schema: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation} {string.Join(", ", d.Errors!.Values)}").Take(5));
    }

    /// <summary>The schema with the document's components beside it as $defs, so its references resolve.</summary>
    private static JsonSchema Compile(string key, JsonNode schema)
    {
        var text = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://contract.compliance.invalid/" + Uri.EscapeDataString(key),
            ["$defs"] = Document["components"]!["schemas"]!.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        }.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text);
    }
}

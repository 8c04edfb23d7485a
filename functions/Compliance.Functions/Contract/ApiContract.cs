using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.Functions.Contract;

/// <summary>One HTTP function as the Functions host sees it: its name, verbs and route, and its method for the contract attributes.</summary>
public sealed record HttpEndpoint(string Name, string[] Methods, string Route, MethodInfo Method)
{
    /// <summary>The route in OpenAPI form: <c>{*path}</c> and <c>{id:int}</c> become <c>{path}</c> and <c>{id}</c>.</summary>
    public string Path => "/" + Regex.Replace(Route.Trim('/'), @"\{\*?([A-Za-z0-9_]+)[^}]*\}", "{$1}");

    /// <summary>A <c>{*rest}</c> route: its last parameter takes the rest of the path, slashes included.</summary>
    public bool CatchAll => Route.Contains("{*", StringComparison.Ordinal);

    public IEnumerable<string> PathParameters => Regex.Matches(Path, @"\{([A-Za-z0-9_]+)\}").Select(m => m.Groups[1].Value);

    /// <summary>Every method carrying <see cref="FunctionAttribute"/> with an <see cref="HttpTriggerAttribute"/> parameter.</summary>
    public static IReadOnlyList<HttpEndpoint> Discover(Assembly assembly) =>
        [.. from type in assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            let function = method.GetCustomAttribute<FunctionAttribute>()
            where function is not null
            from parameter in method.GetParameters()
            let trigger = parameter.GetCustomAttribute<HttpTriggerAttribute>()
            where trigger is not null
            orderby trigger.Route ?? function.Name, function.Name
            select new HttpEndpoint(
                function.Name,
                trigger.Methods is { Length: > 0 } m ? [.. m.Select(v => v.ToUpperInvariant())] : ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
                trigger.Route ?? function.Name,
                method)];
}

/// <summary>
/// The OpenAPI 3.1 document of the API, generated from the function classes: routes and verbs from
/// their trigger attributes, bodies and answers from the contract attributes beside them, and every
/// schema by System.Text.Json's <see cref="JsonSchemaExporter"/> over the very records and
/// serializer options the functions read and write. Microsoft.AspNetCore.OpenApi cannot serve here:
/// it documents ASP.NET endpoints through ApiExplorer, which Azure Functions does not have, and the
/// document must be the same under the Functions host and the local host.
/// </summary>
public static class ApiContract
{
    public const string ProblemSchema = "Problem";

    private static readonly Lazy<string> Json = new(() => Build(typeof(ApiContract).Assembly).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The document of this function app, built once.</summary>
    public static string Document => Json.Value;

    public static JsonObject Build(Assembly assembly)
    {
        var schemas = new SchemaRegistry();
        var paths = new JsonObject();
        foreach (var group in HttpEndpoint.Discover(assembly).GroupBy(e => e.Path))
        {
            var item = new JsonObject();
            foreach (var endpoint in group)
            {
                foreach (var verb in endpoint.Methods)
                {
                    item[verb.ToLowerInvariant()] = Operation(endpoint, schemas);
                }
            }

            if (group.Any(e => e.CatchAll))
            {
                // OpenAPI has no catch-all parameter; clients (and the contract tests) read this instead.
                item["x-catch-all"] = true;
            }

            paths[group.Key] = item;
        }

        schemas.Add(ProblemSchema, ProblemDocumentSchema(schemas));
        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Compliance API",
                ["version"] = "v1",
                ["description"] = "Takedown orders, their deadlines and answers, evidence media, the hash bank, victims' cases and the audit log. "
                    + "Every refusal is an RFC 9457 problem (application/problem+json) whose `type` is one of the URNs listed in the Problem schema.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "The host serving this document" }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
            },
        };
    }

    private static JsonObject Operation(HttpEndpoint endpoint, SchemaRegistry schemas)
    {
        var method = endpoint.Method;
        var accepts = method.GetCustomAttribute<AcceptsAttribute>();
        var anonymous = method.GetCustomAttribute<AnonymousAttribute>();
        var operation = new JsonObject
        {
            ["operationId"] = endpoint.Name,
            ["summary"] = Summary(endpoint.Name),
            ["tags"] = new JsonArray(Tag(method.DeclaringType!)),
        };

        var parameters = new JsonArray();
        foreach (var name in endpoint.PathParameters)
        {
            parameters.Add(Parameter(name, "path", new JsonObject { ["type"] = "string" }, required: true));
        }

        foreach (var query in method.GetCustomAttributes<QueryAttribute>())
        {
            var parameter = Parameter(query.Name, "query", schemas.Inline(query.Type), query.Required);
            if (query.Description is not null)
            {
                parameter["description"] = query.Description;
            }

            parameters.Add(parameter);
        }

        if (accepts is { Idempotent: true })
        {
            parameters.Add(Parameter("Idempotency-Key", "header", new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = HttpApi.MaxIdempotencyKeyLength, ["pattern"] = "^[!-~]+$" }, required: true));
            parameters.Add(Parameter("If-Match", "header", new JsonObject { ["type"] = "string" }, required: false));
        }

        if (anonymous?.Header is { } header)
        {
            parameters.Add(Parameter(header, "header", new JsonObject { ["type"] = "string" }, required: true));
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (accepts is not null)
        {
            var content = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Reference(accepts.Body) } };
            foreach (var mediaType in accepts.AlsoAccepts)
            {
                content[mediaType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["contentMediaType"] = mediaType } };
            }

            operation["requestBody"] = new JsonObject { ["required"] = accepts.Idempotent, ["content"] = content };
        }

        var responses = new JsonObject();
        foreach (var answer in method.GetCustomAttributes<ReturnsAttribute>().GroupBy(r => r.Status).OrderBy(g => g.Key))
        {
            var content = new JsonObject();
            foreach (var returns in answer)
            {
                content[returns.MediaType] = new JsonObject
                {
                    ["schema"] = returns.MediaType == "application/json" ? schemas.Reference(returns.Body) : new JsonObject { ["type"] = "string" },
                };
            }

            var response = new JsonObject { ["description"] = answer.Key == 201 ? "Created" : "OK", ["content"] = content };
            if (answer.Key == 201)
            {
                response["headers"] = new JsonObject { ["Location"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } };
            }

            responses[answer.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        foreach (var refusal in Refusals(method, accepts, anonymous).GroupBy(p => p.Status).OrderBy(g => g.Key))
        {
            var types = refusal.DistinctBy(p => p.Slug).OrderBy(p => p.Slug, StringComparer.Ordinal).ToList();
            var response = new JsonObject
            {
                ["description"] = string.Join("; ", types.Select(t => $"{t.Slug}: {t.Title}")),
                ["content"] = new JsonObject
                {
                    [ApiResponse.ProblemJson.Split(';')[0]] = new JsonObject
                    {
                        ["schema"] = new JsonObject
                        {
                            ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = SchemaRegistry.RefPrefix + ProblemSchema }),
                            ["properties"] = new JsonObject { ["type"] = new JsonObject { ["enum"] = new JsonArray([.. types.Select(t => (JsonNode)t.Type)]) } },
                        },
                    },
                },
            };
            if (refusal.Key is 429 or 503)
            {
                response["headers"] = new JsonObject { ["Retry-After"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "integer" } } };
            }

            responses[refusal.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        operation["responses"] = responses;
        operation["security"] = anonymous is null ? new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }) : new JsonArray();

        return operation;
    }

    /// <summary>The refusals a function declares, and those the shared pipeline (<see cref="HttpApi"/>) adds to every call of its kind.</summary>
    private static IEnumerable<ProblemType> Refusals(MethodInfo method, AcceptsAttribute? accepts, AnonymousAttribute? anonymous)
    {
        var kinds = new List<ProblemKind>(method.GetCustomAttribute<RefusesAttribute>()?.Kinds ?? []);
        if (anonymous is null)
        {
            kinds.AddRange([ProblemKind.Unauthenticated, ProblemKind.Forbidden]);
        }

        if (accepts is not null)
        {
            kinds.AddRange([ProblemKind.MalformedJson, ProblemKind.PayloadTooLarge]);
        }

        if (accepts is { Idempotent: true })
        {
            kinds.AddRange([ProblemKind.UnsupportedMediaType, ProblemKind.MissingIdempotencyKey, ProblemKind.InvalidIdempotencyKey, ProblemKind.IdempotencyKeyReused, ProblemKind.IdempotentRequestInProgress]);
        }

        return kinds.Select(ProblemType.For).Concat([ProblemType.Internal, ProblemType.Unavailable]);
    }

    private static JsonObject Parameter(string name, string location, JsonNode schema, bool required) => new()
    {
        ["name"] = name,
        ["in"] = location,
        ["required"] = required,
        ["schema"] = schema,
    };

    /// <summary>The function's name as words: "IssueOrder" reads "Issue order".</summary>
    private static string Summary(string name) => Regex.Replace(name, "(?<=[a-z])(?=[A-Z])", " ") is var words ? words[..1] + words[1..].ToLowerInvariant() : name;

    private static string Tag(Type type) => Regex.Replace(type.Name, "Functions?$", string.Empty);

    /// <summary>The problem document's own schema, with every problem type of the API as the values <c>type</c> may take.</summary>
    private static JsonObject ProblemDocumentSchema(SchemaRegistry schemas)
    {
        var schema = schemas.Inline(typeof(ProblemDocument)).AsObject();
        var type = schema["properties"]!["type"]!.AsObject();
        type["enum"] = new JsonArray([.. ProblemType.All.Select(p => (JsonNode)p.Type)]);
        type["description"] = string.Join("; ", ProblemType.All.Select(p => $"{p.Slug} ({p.Status}): {p.Title}"));
        return schema;
    }

    /// <summary>Named schemas under components, exported once per record type.</summary>
    private sealed class SchemaRegistry
    {
        public const string RefPrefix = "#/components/schemas/";

        private static readonly JsonSchemaExporterOptions Exporter = new() { TreatNullObliviousAsNonNullable = true };

        public JsonObject Components { get; } = [];

        public JsonObject Reference(Type type)
        {
            if (type == typeof(string))
            {
                return new JsonObject { ["type"] = "string" };
            }

            var name = Name(type);
            if (!Components.ContainsKey(name))
            {
                Components[name] = Relocate(Inline(type), RefPrefix + name);
            }

            return new JsonObject { ["$ref"] = RefPrefix + name };
        }

        public void Add(string name, JsonNode schema) => Components[name] = schema;

        public JsonNode Inline(Type type)
        {
            var schema = ApiJson.Options.GetJsonSchemaAsNode(type, Exporter);
            RelaxRequired(schema);
            return schema;
        }

        private static string Name(Type type) =>
            type.IsGenericType ? Regex.Replace(type.Name, "`.*$", string.Empty) + string.Concat(type.GetGenericArguments().Select(Name)) : type.Name;

        /// <summary>
        /// The exporter marks every constructor parameter required, but the API leaves null members
        /// out (WhenWritingNull): a member that may be null may also be absent.
        /// </summary>
        private static void RelaxRequired(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["required"] is JsonArray required && o["properties"] is JsonObject properties)
                    {
                        foreach (var name in required.Select(n => n!.GetValue<string>()).ToList())
                        {
                            if (Nullable(properties[name]))
                            {
                                required.Remove(required.First(n => n!.GetValue<string>() == name));
                            }
                        }

                        if (required.Count == 0)
                        {
                            o.Remove("required");
                        }
                    }

                    foreach (var (_, child) in o.ToList())
                    {
                        RelaxRequired(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        RelaxRequired(child);
                    }

                    break;
            }
        }

        private static bool Nullable(JsonNode? schema) =>
            schema is JsonObject o && (o["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null")
                || o["type"] is JsonValue v && v.GetValue<string>() == "null"
                || o["enum"] is JsonArray values && values.Any(x => x is null)
                || o["anyOf"] is JsonArray any && any.Any(Nullable)
                || o.Count == 0);

        /// <summary>The exporter's references (recursive records) point into the schema's own root; under components they need its path.</summary>
        private static JsonNode Relocate(JsonNode node, string root)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["$ref"] is JsonValue reference && reference.GetValue<string>() is var target && target.StartsWith('#'))
                    {
                        o["$ref"] = root + target[1..];
                    }

                    foreach (var (_, child) in o.ToList())
                    {
                        if (child is not null)
                        {
                            Relocate(child, root);
                        }
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        if (child is not null)
                        {
                            Relocate(child, root);
                        }
                    }

                    break;
            }

            return node;
        }
    }
}

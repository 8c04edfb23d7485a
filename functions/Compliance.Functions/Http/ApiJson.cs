using System.Text.Json;
using System.Text.Json.Serialization;

namespace Compliance.Functions.Http;

public static class ApiJson
{
    /// <summary>
    /// Strict reading: unknown or duplicated properties are errors, so a misspelt field is reported
    /// instead of silently ignored. Enum values are snake_case on the wire.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Responses are JSON documents, never inlined into HTML: '&' in SAS URLs stays readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },

        // Named, not left to the first serialization: the OpenAPI document exports schemas from these options.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}

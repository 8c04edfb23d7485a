using System.Collections.Concurrent;

namespace Compliance.Functions.Contract;

/// <summary>
/// Swagger UI for <c>/api/docs</c>. Its middleware (UseSwaggerUI) needs the ASP.NET pipeline, which the
/// Functions host does not let an app extend, so a function serves the package's embedded files instead.
/// </summary>
public static class SwaggerUi
{
    private const string ResourcePrefix = "Swashbuckle.AspNetCore.SwaggerUI.node_modules.swagger_ui_dist.";

    private static readonly Dictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["swagger-ui-bundle.js"] = "text/javascript; charset=utf-8",
        ["swagger-ui-standalone-preset.js"] = "text/javascript; charset=utf-8",
        ["swagger-ui.css"] = "text/css; charset=utf-8",
    };

    private static readonly ConcurrentDictionary<string, string> Loaded = new(StringComparer.Ordinal);

    public const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Compliance API</title>
          <link rel="stylesheet" href="/api/docs/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/api/docs/swagger-ui-bundle.js"></script>
          <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
          <script>
            window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });
          </script>
        </body>
        </html>
        """;

    /// <summary>One of Swagger UI's files, or null for any other name.</summary>
    public static (string Text, string ContentType)? Asset(string file) =>
        Files.TryGetValue(file, out var contentType) ? (Loaded.GetOrAdd(file, Read), contentType) : null;

    private static string Read(string file)
    {
        using var stream = typeof(Swashbuckle.AspNetCore.SwaggerUI.SwaggerUIOptions).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"Swagger UI's {file} is not embedded in its package.");
        // The package embeds its files gzipped.
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress));
        return reader.ReadToEnd();
    }
}

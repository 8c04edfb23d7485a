using System.Text.Json;

namespace Compliance.LocalHost;

/// <summary>Reads the files the Functions host would read: local.settings.json values and host.json's route prefix.</summary>
public static class LocalSettings
{
    /// <summary>
    /// The "Values" of local.settings.json as configuration keys. Names with "__" nest, as they do
    /// when the Functions host passes them to the worker as environment variables.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> Values(string directory)
    {
        var path = Path.Combine(directory, "local.settings.json");
        if (!File.Exists(path))
        {
            yield break;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("Values", out var values))
        {
            yield break;
        }

        foreach (var value in values.EnumerateObject())
        {
            yield return new(value.Name.Replace("__", ":", StringComparison.Ordinal), value.Value.ToString());
        }
    }

    public static string RoutePrefix(string directory)
    {
        var path = Path.Combine(directory, "host.json");
        if (!File.Exists(path))
        {
            return "api";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString() ?? string.Empty
            : "api";
    }
}

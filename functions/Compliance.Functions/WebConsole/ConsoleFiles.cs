using Microsoft.AspNetCore.StaticFiles;

namespace Compliance.Functions.WebConsole;

/// <summary>
/// The web console's files, copied beside the app under <c>console/</c> by the build. Resolves a
/// request path to one file inside that folder and nowhere else.
/// </summary>
public sealed class ConsoleFiles
{
    public const string Folder = "console";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly string _root;

    public ConsoleFiles(string? root = null)
    {
        _root = Path.GetFullPath(root ?? Path.Combine(AppContext.BaseDirectory, Folder));
    }

    /// <summary>The file for <paramref name="path"/> and its content type, or null when there is none (or the path leaves the folder).</summary>
    public (string File, string ContentType)? Find(string? path)
    {
        var relative = string.IsNullOrEmpty(path) ? "index.html" : path;
        // Routing has already decoded %2F and %2E; refuse anything that could name a file outside the folder.
        if (relative.Contains('\\') || relative.Contains('\0') || relative.Contains(':') || relative.StartsWith('/')
            || relative.Split('/').Any(segment => segment is "" or "." or ".." || segment.StartsWith('.')))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;
        }

        var type = ContentTypes.TryGetContentType(full, out var known) ? known : "application/octet-stream";
        if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "application/json" or "image/svg+xml")
        {
            type += "; charset=utf-8";
        }

        return (full, type);
    }
}

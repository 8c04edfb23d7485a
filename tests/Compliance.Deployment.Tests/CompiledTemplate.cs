using System.Diagnostics;
using System.Text.Json;

namespace Compliance.Deployment.Tests;

/// <summary>bicep/main.bicep compiled by the pinned Bicep CLI, with every resource of every nested module.</summary>
public sealed class CompiledTemplate
{
    private static readonly Lazy<CompiledTemplate> Instance = new(Compile);

    private CompiledTemplate(JsonElement root)
    {
        Root = root;
        Resources = Collect(root).ToList();
    }

    public static CompiledTemplate Main => Instance.Value;

    public JsonElement Root { get; }

    public IReadOnlyList<JsonElement> Resources { get; }

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<JsonElement> Collect(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            yield break;
        }

        var list = resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray().ToList() : resources.EnumerateObject().Select(p => p.Value).ToList();
        foreach (var resource in list)
        {
            yield return resource;
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in Collect(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static CompiledTemplate Compile()
    {
        var root = RepositoryRoot();
        var cli = Environment.GetEnvironmentVariable("BICEP_CLI") ?? BicepFromNuGetCache(root);
        var start = new ProcessStartInfo(cli, ["build", Path.Combine(root, "bicep", "main.bicep"), "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var json = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed: {errors.Result}");
        }

        return new CompiledTemplate(JsonDocument.Parse(json.Result).RootElement);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Compliance.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Compliance.sln not found above the test binaries.");
    }

    private static string BicepFromNuGetCache(string root)
    {
        var project = File.ReadAllText(Path.Combine(root, "infra", "bicep-cli", "BicepCli.csproj"));
        var version = project.Split("Version=\"[")[1].Split(']')[0];
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cli = Path.Combine(packages, "azure.bicep.commandline.linux-x64", version, "tools", "bicep");
        return File.Exists(cli) ? cli : throw new InvalidOperationException($"Bicep CLI not found at {cli}: run infra/test, which installs it.");
    }
}

using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;

namespace Compliance.Cli;

/// <summary>The API's address and the caller's token, as options every API command takes.</summary>
internal sealed class ApiOptions
{
    public const string DefaultUrl = "http://localhost:7071";

    private readonly Option<string> _url = new("--url")
    {
        Description = $"The API's base address (default: the COMPLIANCE_URL variable, else {DefaultUrl}, where infra/run serves it)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COMPLIANCE_URL") ?? DefaultUrl,
    };

    private readonly Option<string?> _token = new("--token")
    {
        Description = "Bearer token (default: the COMPLIANCE_TOKEN variable; 'compliance token' mints a development one)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("COMPLIANCE_TOKEN"),
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_url);
        command.Options.Add(_token);
    }

    public ComplianceApi Client(ParseResult parse) =>
        new(new Uri(parse.GetValue(_url)!), parse.GetValue(_token) ?? throw new UsageException("Give --token or set COMPLIANCE_TOKEN (for infra/run: compliance token --role commission)."));
}

/// <summary>A refusal from the API (its RFC 9457 problem), printed as the command's error.</summary>
internal sealed class ApiProblemException(string message) : Exception(message);

/// <summary>GETs from the Compliance API with the caller's token; a problem answer becomes an <see cref="ApiProblemException"/>.</summary>
internal sealed class ComplianceApi(Uri baseAddress, string token)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(100) };

    public async Task<string> GetAsync(string pathAndQuery, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd(accept);
        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return text;
        }

        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonDocument.Parse(text).RootElement : default;
        throw new ApiProblemException(problem.ValueKind == JsonValueKind.Object
            ? $"{(int)response.StatusCode} {problem.GetProperty("type").GetString()}: {problem.GetProperty("detail").GetString()}"
            : $"{(int)response.StatusCode} {response.ReasonPhrase}");
    }

    public async Task<JsonElement> GetJsonAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await GetAsync(pathAndQuery, "application/json", cancellationToken)).RootElement;
}

/// <summary>Tables for people (Spectre.Console), without colour, never wrapped when written to a pipe or a file.</summary>
internal static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = 1000;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)).ToArray());
        }

        console.Write(table);
    }

    /// <summary>A JSON value as a table cell: strings bare, instants to the second, absent as "-".</summary>
    public static string Cell(JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null ? "-"
        : value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var instant) && value.GetString()!.Contains('T', StringComparison.Ordinal)
            ? instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
        : value.ValueKind == JsonValueKind.String ? value.GetString()!
        : value.GetRawText();
}

using System.Text.Json;
using Compliance.AuditLog;
using Compliance.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests;

/// <summary>
/// The CLI's API commands (<c>orders list|show</c>, <c>sla</c>) and <c>audit verify --output json</c>
/// against the real local host on a socket and Azurite: what they print is compared with what the API
/// itself answers.
/// </summary>
public sealed class CliApiTests : IAsyncLifetime
{
    private ComplianceHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ComplianceHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private string Url => _host.Http.BaseAddress!.ToString();

    private async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await ComplianceCli.RunAsync(args, output, errors, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), errors.ToString());
    }

    private static List<string[]> Rows(string table) =>
        [.. table.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(cells => cells.Length > 0 && !cells.All(c => c.All(ch => ch is '─' or '-' or '━')))];

    private static string Second(JsonElement order, string property) =>
        order.GetProperty(property).GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Orders_list_follows_every_page_and_prints_a_table_or_the_api_s_json()
    {
        var provider = await _host.RegisterProviderAsync();
        var issued = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            issued.Add(await _host.IssueAsync(provider));
        }

        await _host.RegisterProviderAsync(); // another provider's (empty) register is not listed
        var (exit, table, errors) = await RunAsync("orders", "list", "--provider", provider, "--page-size", "2", "--url", Url, "--token", _host.Commission);

        Assert.Equal(0, exit);
        Assert.Empty(errors);
        var rows = Rows(table);
        Assert.Equal(OrderCommands.ListColumns, rows[0]);
        var api = (await _host.GetAsync($"/api/v1/orders?providerId={provider}", _host.Commission)).Json.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(3, api.Count);
        Assert.Equal(
            api.Select(o => new[] { o.GetProperty("orderId").GetString()!, provider, "KR-TBA-22-5", "issued", Second(o, "issuedAt"), Second(o, "dueAt") }),
            rows.Skip(1));
        Assert.Equal(issued.Select(o => o.GetProperty("orderId").GetString()).Order(), rows.Skip(1).Select(r => r[0]).Order());

        var (jsonExit, json, _) = await RunAsync("orders", "list", "--provider", provider, "--page-size", "2", "--output", "json", "--url", Url, "--token", _host.Commission);
        Assert.Equal(0, jsonExit);
        var listed = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        Assert.Equal(api.Select(o => o.GetRawText()), listed.Select(o => o.GetRawText()));

        // A provider sees its own orders only; an unknown status is the API's refusal, exit 1.
        var (ownExit, own, _) = await RunAsync("orders", "list", "-o", "json", "--url", Url, "--token", _host.Provider(provider));
        Assert.Equal(0, ownExit);
        Assert.Equal(3, JsonDocument.Parse(own).RootElement.GetArrayLength());
        var (badExit, _, bad) = await RunAsync("orders", "list", "--status", "lost", "--url", Url, "--token", _host.Commission);
        Assert.Equal(1, badExit);
        Assert.StartsWith("400 urn:compliance:problem:", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orders_show_prints_the_order_and_its_history_or_the_api_s_json()
    {
        var provider = await _host.RegisterProviderAsync();
        var order = (await _host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        Assert.Equal(200, (await _host.PostAsync($"/api/v1/orders/{order}/acknowledgement", _host.Provider(provider), null)).Status);
        var api = await _host.GetAsync($"/api/v1/orders/{order}", _host.Commission);

        var (exit, table, _) = await RunAsync("orders", "show", order, "--url", Url, "--token", _host.Commission);

        Assert.Equal(0, exit);
        var rows = Rows(table);
        var fields = rows.TakeWhile(r => r[0] != "SEQ").Where(r => r.Length == 2).ToDictionary(r => r[0], r => r[1]);
        Assert.Equal(order, fields["orderId"]);
        Assert.Equal("acknowledged", fields["status"]);
        Assert.Equal("2", fields["version"]);
        Assert.Equal(Second(api.Json, "acknowledgedAt"), fields["acknowledgedAt"]);
        Assert.Equal("-", fields["breachedAt"]);
        var history = rows.SkipWhile(r => r[0] != "SEQ").ToList();
        Assert.Equal(["SEQ", "AT", "EVENT", "BY", "FROM", "TO"], history[0]);
        var events = (await _host.GetAsync($"/api/v1/orders/{order}/history", _host.Commission)).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(
            events.Select(e => new[] { e.GetProperty("sequence").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), Second(e, "at"), e.GetProperty("type").GetString()!, e.GetProperty("actor").GetProperty("role").GetString()!, e.GetProperty("from").GetString()!, e.GetProperty("to").GetString()! }),
            history.Skip(1));
        Assert.Equal(["2", "acknowledged", "provider", "issued", "acknowledged"], history[2].Where((_, i) => i != 1));

        var (jsonExit, json, _) = await RunAsync("orders", "show", order, "--output", "json", "--url", Url, "--token", _host.Commission);
        Assert.Equal(0, jsonExit);
        Assert.Equal(api.Text + "\n", json.Replace("\r\n", "\n", StringComparison.Ordinal));

        var (missingExit, _, missing) = await RunAsync("orders", "show", "nope", "--url", Url, "--token", _host.Commission);
        Assert.Equal(1, missingExit);
        Assert.StartsWith("404 urn:compliance:problem:not-found: ", missing, StringComparison.Ordinal);
        var (usageExit, _, usage) = await RunAsync("orders", "show", "--url", Url, "--token", _host.Commission);
        Assert.Equal(ComplianceCli.UsageError, usageExit);
        Assert.Contains("Required argument missing for command: 'show'.", usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sla_prints_the_api_s_csv_and_json_exactly_and_a_table_of_its_figures()
    {
        var provider = await _host.RegisterProviderAsync();
        var order = (await _host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        await _host.IssueAsync(provider);
        Assert.Equal(200, (await _host.PostAsync($"/api/v1/orders/{order}/confirmation", _host.Provider(provider), new { removedAt = _host.Clock.GetUtcNow(), action = "removed" })).Status);
        var from = new DateTimeOffset(_host.Clock.GetUtcNow().UtcDateTime.Date.AddDays(-1), TimeSpan.Zero);
        var to = from.AddDays(3);
        string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        string[] window = ["--from", Iso(from), "--to", Iso(to)];
        var query = $"?from={Iso(from)}&to={Iso(to)}";

        var (csvExit, csv, csvErrors) = await RunAsync(["sla", "--provider", provider, "--output", "csv", "--url", Url, "--token", _host.Regulator, .. window]);
        Assert.True(csvExit == 0, csvErrors);
        var apiCsv = await _host.GetAsync($"/api/v1/providers/{provider}/sla{query}", _host.Regulator, "text/csv");
        Assert.Equal(200, apiCsv.Status);
        Assert.Equal(apiCsv.Text, csv);

        var (jsonExit, json, _) = await RunAsync(["sla", "--provider", provider, "-o", "json", "--url", Url, "--token", _host.Regulator, .. window]);
        Assert.Equal(0, jsonExit);
        var apiJson = await _host.GetAsync($"/api/v1/providers/{provider}/sla{query}", _host.Regulator);
        Assert.Equal(apiJson.Text + "\n", json);
        Assert.Equal(2, apiJson.Json.GetProperty("orders").GetInt32());
        Assert.Equal(1, apiJson.Json.GetProperty("removedOnTime").GetInt32());

        var (exit, table, _) = await RunAsync(["sla", "--provider", provider, "--url", Url, "--token", _host.Regulator, .. window]);
        Assert.Equal(0, exit);
        var figures = Rows(table).ToDictionary(r => r[0], r => string.Join(' ', r.Skip(1)));
        Assert.Equal("VALUE", figures["FIGURE"]);
        Assert.Equal(provider, figures["providerId"]);
        Assert.Equal("2", figures["orders"]);
        Assert.Equal("1", figures["removedOnTime"]);
        Assert.Equal("1", figures["openWithinDeadline"]);
        Assert.Equal(from.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), figures["from"]);
        Assert.Equal(apiJson.Json.EnumerateObject().Count() + 1, figures.Count);

        var (forbiddenExit, _, forbidden) = await RunAsync(["sla", "--provider", provider, "--url", Url, "--token", _host.Provider("someone-else"), .. window]);
        Assert.Equal(1, forbiddenExit);
        // Another provider is not told the provider exists.
        Assert.StartsWith("404 urn:compliance:problem:not-found: ", forbidden, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_verify_prints_its_result_as_json()
    {
        var provider = await _host.RegisterProviderAsync();
        await _host.IssueAsync(provider);
        Assert.Equal(1, (await _host.Services.GetRequiredService<AuditLogService>().SequenceAndCheckpointAsync(CancellationToken.None))!.TreeSize);

        var (exit, json, _) = await RunAsync("audit", "verify", "--output", "json", "--connection", ComplianceHost.StorageConnection, "--table-prefix", _host.TablePrefix, "--audit-container", _host.TablePrefix + "-audit");

        Assert.Equal(0, exit);
        var result = JsonDocument.Parse(json).RootElement;
        Assert.True(result.GetProperty("valid").GetBoolean());
        Assert.Equal(1, result.GetProperty("orders").GetInt32());
        Assert.Equal(1, result.GetProperty("leaves").GetInt64());
        Assert.Equal(1, result.GetProperty("checkpointSize").GetInt64());
        Assert.False(result.TryGetProperty("firstProblem", out _));
        Assert.Equal(5, result.EnumerateObject().Count());
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_the_parser_s_message()
    {
        var (exit, _, errors) = await RunAsync("sla", "--provider", "p", "--output", "xml", "--token", "t");
        Assert.Equal(2, exit);
        Assert.StartsWith("Argument 'xml' not recognized. Must be one of:", errors, StringComparison.Ordinal);

        (exit, _, errors) = await RunAsync("token", "--role", "system");
        Assert.Equal(2, exit);
        Assert.StartsWith("--role must be commission, provider, regulator or support.", errors, StringComparison.Ordinal);

        (exit, _, errors) = await RunAsync("bank", "query", "--haystack", "h", "--needles", "n", "--max-distance", "65");
        Assert.Equal(2, exit);
        Assert.StartsWith("--max-distance must be between 1 and 64.", errors, StringComparison.Ordinal);

        (exit, _, errors) = await RunAsync("orders", "list", "--url", Url, "--token", string.Empty);
        Assert.Equal(1, exit);
        Assert.StartsWith("401 urn:compliance:problem:unauthenticated: ", errors, StringComparison.Ordinal);
    }
}

using System.Text.Json;

namespace Compliance.Cli;

/// <summary><c>orders list</c> and <c>orders show</c>: the API's orders as a table, or as the API's own JSON.</summary>
internal static class OrderCommands
{
    public static readonly string[] ListColumns = ["ORDER", "PROVIDER", "BASIS", "STATUS", "ISSUED", "DUE"];

    private static readonly string[] ListFields = ["orderId", "providerId", "legalBasis", "status", "issuedAt", "dueAt"];

    private static readonly string[] ShowFields = ["orderId", "providerId", "legalBasis", "status", "issuedAt", "dueAt", "deadlineBasis", "acknowledgedAt", "breachedAt", "withdrawnAt", "version"];

    /// <summary>Every page, following the continuation token; the spinner counts orders as pages arrive.</summary>
    public static async Task<int> ListAsync(ComplianceApi api, string? provider, string? status, int pageSize, bool json, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var orders = await ProgressDisplay.RunAsync(errors, "Fetching orders", async report =>
        {
            var all = new List<JsonElement>();
            string? continuation = null;
            do
            {
                var query = Query(("providerId", provider), ("status", status), ("pageSize", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("continuationToken", continuation));
                var page = await api.GetJsonAsync("/api/v1/orders" + query, cancellationToken);
                all.AddRange(page.GetProperty("orders").EnumerateArray());
                continuation = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                report($"Fetched {all.Count} orders");
            }
            while (continuation is not null);
            return all;
        });

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(orders, CliJson.Compact));
        }
        else
        {
            TextTable.Write(output, ListColumns, orders.Select(o => (IReadOnlyList<string>)[.. ListFields.Select(p => TextTable.Cell(o, p))]));
        }

        return 0;
    }

    public static async Task<int> ShowAsync(ComplianceApi api, string orderId, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var path = "/api/v1/orders/" + Uri.EscapeDataString(orderId);
        if (json)
        {
            // The API's document as sent, so a script reads the same fields with or without the CLI.
            await output.WriteLineAsync(await api.GetAsync(path, "application/json", cancellationToken));
            return 0;
        }

        var order = await api.GetJsonAsync(path, cancellationToken);
        var history = await api.GetJsonAsync(path + "/history", cancellationToken);
        TextTable.Write(output, ["FIELD", "VALUE"], ShowFields.Select(f => (IReadOnlyList<string>)[f, TextTable.Cell(order, f)]));
        TextTable.Write(output, ["SEQ", "AT", "EVENT", "BY", "FROM", "TO"], history.GetProperty("events").EnumerateArray().Select(e => (IReadOnlyList<string>)
            [TextTable.Cell(e, "sequence"), TextTable.Cell(e, "at"), TextTable.Cell(e, "type"), TextTable.Cell(e.GetProperty("actor"), "role"), TextTable.Cell(e, "from"), TextTable.Cell(e, "to")]));
        return 0;
    }

    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? string.Empty : "?" + string.Join('&', present);
    }
}

/// <summary><c>sla</c>: a provider's SLA figures; CSV is the API's own CSV, JSON the API's own JSON.</summary>
internal static class SlaCommand
{
    public static async Task<int> RunAsync(ComplianceApi api, string provider, DateTimeOffset? from, DateTimeOffset? to, string format, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/providers/{Uri.EscapeDataString(provider)}/sla" + OrderCommands.Query(("from", Instant(from)), ("to", Instant(to)));
        var text = await ProgressDisplay.RunAsync(errors, "Computing SLA figures", _ => api.GetAsync(path, format == "csv" ? "text/csv" : "application/json", cancellationToken));
        switch (format)
        {
            case "csv":
                await output.WriteAsync(text);
                break;
            case "json":
                await output.WriteLineAsync(text);
                break;
            default:
                var report = JsonDocument.Parse(text).RootElement;
                TextTable.Write(output, ["FIGURE", "VALUE"], report.EnumerateObject().Select(p => (IReadOnlyList<string>)[p.Name, TextTable.Cell(report, p.Name)]));
                break;
        }

        return 0;
    }

    private static string? Instant(DateTimeOffset? value) => value?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Compliance.Access;

namespace Compliance.Api.Tests;

/// <summary>
/// Every JSON body and query string, generated from a fixed seed (so a failure replays): whatever
/// arrives, the answer is a success or an RFC 9457 problem of a known type, never a 5xx, never a hang.
/// COMPLIANCE_FUZZ_CASES sets the number of cases (a few hundred here; <c>infra/bench fuzz</c> runs 10,000).
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261204;
    private static readonly TimeSpan MaxAnswerTime = TimeSpan.FromSeconds(15);

    private static readonly string[] Words = ["", " ", "a", "prov-a", "KR-TBA-22-5", "EU-TCO", "removed", "force_majeure", "blocked", "https://v.example/1", "javascript:alert(1)", "2026-12-04T10:00:00Z", "0000-00-00", "ord-000000000000000000000000", "case-000000000000000000000000", new string('a', 64), new string('f', 32), "ünïcødé 한국어", "\u0000\u0001", "\"}", "../../etc/passwd", "%00", "NaN", "-1", "1e309", new string('x', 5000)];

    [Fact]
    public async Task No_body_or_query_string_gets_a_server_error_or_hangs()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("COMPLIANCE_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 300;
        await using var host = await ComplianceHost.StartAsync(true, null, "--HashBank:LookupsPerMinute", "1000000", "--Cases:StatusChecksPerHour", "1000000");
        var provider = await host.RegisterProviderAsync();
        var order = (await host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        var tokens = new Dictionary<string, string>
        {
            ["commission"] = host.Commission,
            ["provider"] = host.Provider(provider),
            ["regulator"] = host.Regulator,
            ["support"] = host.Token(Role.Support, subject: "centre-1"),
        };
        (string Method, string Path, string Role, string[] Fields)[] endpoints =
        [
            ("POST", "/api/v1/providers", "commission", ["id", "name", "jurisdiction", "contact"]),
            ("POST", "/api/v1/orders", "commission", ["providerId", "legalBasis", "items", "reason", "dueAt", "referenceNumber", "issuingAuthority", "legalProvisions", "territorialScope", "redress", "category", "keywords", "nonConsentStatement", "complaintReference"]),
            ("POST", $"/api/v1/orders/{order}/acknowledgement", "provider", ["note"]),
            ("POST", $"/api/v1/orders/{order}/confirmation", "provider", ["removedAt", "action", "evidence"]),
            ("POST", $"/api/v1/orders/{order}/objection", "provider", ["ground", "explanation"]),
            ("POST", $"/api/v1/orders/{order}/grounds-ceased", "provider", ["explanation"]),
            ("POST", $"/api/v1/orders/{order}/no-effect", "provider", ["reasons"]),
            ("POST", $"/api/v1/orders/{order}/withdrawal", "commission", ["reason"]),
            ("POST", $"/api/v1/orders/{order}/extension", "commission", ["dueAt", "reason"]),
            ("POST", $"/api/v1/orders/{order}/clarification", "commission", ["explanation"]),
            ("POST", $"/api/v1/orders/{order}/media", "commission", []),
            ("POST", "/api/v1/hashbank/lookup", "provider", ["pdq", "pdqs", "md5", "maxDistance"]),
            ("POST", "/api/v1/hashbank/lookup/video", "provider", ["frames", "maxDistance"]),
            ("POST", "/api/v1/hashbank/matches", "provider", ["pdq", "entryId", "action", "at"]),
            ("POST", "/api/v1/cases", "support", ["legalBasis", "hashes", "locations", "note", "contact"]),
            ("POST", "/api/v1/cases/case-000000000000000000000000/closure", "support", ["reason"]),
            ("POST", $"/api/v1/providers/{provider}/advance-information", "commission", ["legalBasis", "authority", "informedAt", "note"]),
            ("GET", "/api/v1/orders", "regulator", ["providerId", "status", "pageSize", "continuationToken"]),
            ("GET", $"/api/v1/providers/{provider}/sla", "regulator", ["from", "to"]),
            ("GET", $"/api/v1/providers/{provider}/transparency-report", "regulator", ["from", "to"]),
            ("GET", "/api/v1/hashbank", "provider", ["since", "continuationToken", "format"]),
            ("GET", "/api/v1/hashbank/matches/figures", "regulator", ["from", "to"]),
            ("GET", "/api/v1/audit/proofs/inclusion", "regulator", ["orderId", "sequence", "treeSize"]),
            ("GET", "/api/v1/audit/proofs/consistency", "regulator", ["from", "to"]),
            ("GET", "/api/v1/cases/case-000000000000000000000000/status", "none", []),
        ];

        var random = new Random(Seed);
        var failures = new List<string>();
        for (var i = 0; i < cases && failures.Count < 5; i++)
        {
            var (method, path, role, fields) = endpoints[random.Next(endpoints.Length)];
            using var request = method == "GET"
                ? new HttpRequestMessage(HttpMethod.Get, path + Query(random, fields))
                : new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Body(random, fields)) };
            if (request.Content is not null)
            {
                request.Content.Headers.ContentType = random.Next(10) == 0 ? new MediaTypeHeaderValue("text/plain") : new MediaTypeHeaderValue("application/json");
                request.Headers.Add("Idempotency-Key", random.Next(20) == 0 ? "bad key with spaces" : Guid.NewGuid().ToString());
            }

            if (role != "none")
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[role]);
            }

            var clock = Stopwatch.StartNew();
            using var response = await host.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var problemType = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? JsonDocument.Parse(text).RootElement.GetProperty("type").GetString() : null;
            // 414 and 431 come from the web server itself, before any function runs (the Functions
            // front end in Azure answers the same way): a refusal of the transport, not of the API.
            var transportRefusal = status is 414 or 431;
            if (status >= 500 || clock.Elapsed > MaxAnswerTime || (status >= 400 && !transportRefusal && problemType?.StartsWith("urn:compliance:problem:", StringComparison.Ordinal) != true))
            {
                var uri = request.RequestUri!.ToString();
                failures.Add($"case {i}: {method} {uri[..Math.Min(200, uri.Length)]} -> {status} in {clock.Elapsed.TotalSeconds:F1} s: {text[..Math.Min(300, text.Length)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>A valid-looking object with random values, a truncated or garbled text, a deep nest, or a bare value.</summary>
    private static byte[] Body(Random random, string[] fields) => random.Next(8) switch
    {
        0 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", 200 + random.Next(2000)))),
        1 => [.. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))],
        2 => Encoding.UTF8.GetBytes(Value(random, 0)),
        3 => Encoding.UTF8.GetBytes("{\"" + Pick(random, fields, "x") + "\": 1, \"" + Pick(random, fields, "x") + "\": 2}"),
        _ => Encoding.UTF8.GetBytes("{" + string.Join(',', fields.Concat(["unknown"]).Where(_ => random.Next(3) > 0).Select(f => $"\"{f}\": {Value(random, 0)}")) + "}"),
    };

    private static string Value(Random random, int depth) => random.Next(depth > 2 ? 6 : 9) switch
    {
        0 => "null",
        1 => random.Next(2) == 0 ? "true" : "false",
        2 => new[] { "0", "-1", "2147483648", "-9223372036854775809", "1e309", "0.5", "64", "31" }[random.Next(8)],
        3 or 4 or 5 => JsonSerializer.Serialize(Words[random.Next(Words.Length)]),
        6 => "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 10)).Select(_ => Value(random, depth + 1))) + "]",
        7 => "{\"url\": " + Value(random, depth + 1) + ", \"pdq\": " + Value(random, depth + 1) + ", \"providerId\": " + Value(random, depth + 1) + "}",
        _ => "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 130)).Select(_ => JsonSerializer.Serialize(new string('a', 64)))) + "]",
    };

    private static string Query(Random random, string[] fields) =>
        "?" + string.Join('&', fields.Concat(["x"]).Where(_ => random.Next(2) == 0).Select(f => $"{f}={Uri.EscapeDataString(Words[random.Next(Words.Length)])}"));

    private static string Pick(Random random, string[] fields, string fallback) => fields.Length == 0 ? fallback : fields[random.Next(fields.Length)];
}

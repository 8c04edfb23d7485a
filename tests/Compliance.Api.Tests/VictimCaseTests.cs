using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Compliance.Access;
using Compliance.Cases;
using Compliance.Cli;
using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

/// <summary>
/// A victim-support centre opens cases with hashes alone; providers' filters find re-uploads, report
/// what they did, and the figures reach the case, the victim and the regulator. All on Azurite.
/// </summary>
public sealed class VictimCaseTests(VictimCaseTests.Fixture fixture) : IClassFixture<VictimCaseTests.Fixture>
{
    private const string Contact = "victim-mobile +82-10-5555-0199";
    private const string Note = "Referred by the Seoul centre; the victim prefers text messages.";

    private ComplianceHost Host => fixture.Host;

    private string Support => Host.Token(Role.Support, subject: "centre-1");

    [Fact]
    public async Task A_case_opened_with_hashes_only_issues_one_order_per_provider_and_its_flipped_copy_is_blocked_and_counted()
    {
        // The centre hashes the image on its own machine (the CLI), so only hashes leave it.
        var image = FixturePath("pdq", "images", "camera.png");
        var hashes = await VictimSideHashesAsync(image);
        var opened = await Host.PostAsync("/api/v1/cases", Support, new
        {
            legalBasis = "KR-TBA-22-5",
            hashes = new object[] { new { pdqs = hashes, quality = 100 }, new { md5 = Md5(image) } },
            locations = new[]
            {
                new { providerId = fixture.ProviderA, url = "https://a.example/v/1" },
                new { providerId = fixture.ProviderB, url = "https://b.example/p/2" },
                new { providerId = fixture.ProviderA, url = "https://a.example/v/3" },
            },
            note = Note,
            contact = Contact,
        });
        Assert.Equal(201, opened.Status);
        var caseId = opened.Str("caseId");
        var accessCode = opened.Str("accessCode");
        Assert.Matches("^case-[0-9a-f]{24}$", caseId);
        Assert.Matches("^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$", accessCode);
        Assert.Equal(2, opened.Json.GetProperty("hashCount").GetInt32());

        // One order per provider named, the centre as requester, under the case's regime.
        var orders = opened.Json.GetProperty("orders").EnumerateArray().ToDictionary(o => o.GetProperty("providerId").GetString()!, o => o.GetProperty("orderId").GetString()!);
        Assert.Equal(new[] { fixture.ProviderA, fixture.ProviderB }.Order(StringComparer.Ordinal), orders.Keys.Order(StringComparer.Ordinal));
        var orderA = await Host.GetAsync($"/api/v1/orders/{orders[fixture.ProviderA]}", Host.Provider(fixture.ProviderA));
        Assert.Equal("KR-TBA-22-5", orderA.Str("legalBasis"));
        Assert.Equal("issued", orderA.Str("status"));
        Assert.Equal(2, orderA.Json.GetProperty("items").GetArrayLength());
        Assert.Equal("target", orderA.Str("deadlineBasis"));
        var history = await Host.GetAsync($"/api/v1/orders/{orders[fixture.ProviderA]}/history", Host.Regulator);
        Assert.Equal("support", history.Json.GetProperty("events")[0].GetProperty("actor").GetProperty("role").GetString());
        var ordersOfB = (await Host.GetAsync($"/api/v1/orders?providerId={fixture.ProviderB}", Host.Commission)).Json.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString());
        Assert.Contains(orders[fixture.ProviderB], ordersOfB);
        var ordersOfA = (await Host.GetAsync("/api/v1/orders", Host.Provider(fixture.ProviderA))).Json.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString());
        Assert.Contains(orders[fixture.ProviderA], ordersOfA);
        Assert.DoesNotContain(orders[fixture.ProviderB], ordersOfA);
        AssertProblem(await Host.GetAsync($"/api/v1/orders/{orders[fixture.ProviderB]}", Host.Provider(fixture.ProviderA)), 404, "not-found");

        // A provider not in the case hashes a mirrored, smaller, re-encoded upload and finds it.
        using var original = SKBitmap.Decode(image);
        var flipped = ProviderSideHash(Mirrored(original));
        var lookup = await Host.PostAsync("/api/v1/hashbank/lookup", Host.Provider(fixture.ProviderC), new { pdq = flipped }, idempotencyKey: null);
        Assert.Equal(200, lookup.Status);
        var match = Assert.Single(lookup.Json.GetProperty("matches").EnumerateArray());
        Assert.Equal("flip_y", match.GetProperty("transform").GetString());
        Assert.Equal("victim-requests", match.GetProperty("bank").GetString());
        Assert.Equal("KR-TBA-22-5", match.GetProperty("legalBasis").GetString());
        Assert.Equal(hashes[5], match.GetProperty("pdq").GetString());
        Assert.True(PdqHash.TryParse(flipped, out var query));
        Assert.True(PdqHash.TryParse(hashes[5], out var banked));
        Assert.Equal(query.DistanceTo(banked), match.GetProperty("distance").GetInt32());
        // Nothing about the case, the victim or the other providers.
        foreach (var secret in new[] { caseId, fixture.ProviderA, fixture.ProviderB, orders[fixture.ProviderA], orders[fixture.ProviderB], "https://", "centre-1" })
        {
            Assert.DoesNotContain(secret, lookup.Text, StringComparison.Ordinal);
        }

        Assert.Equal(new[] { "bank", "distance", "entryId", "legalBasis", "pdq", "quality", "transform", "addedAt", "disabled" }.Order(StringComparer.Ordinal), match.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var entryId = match.GetProperty("entryId").GetString()!;

        // The MD5 finds the exact file.
        var exact = await Host.PostAsync("/api/v1/hashbank/lookup", Host.Provider(fixture.ProviderC), new { md5 = Md5(image) }, idempotencyKey: null);
        var exactMatch = Assert.Single(exact.Json.GetProperty("matches").EnumerateArray());
        Assert.Equal(0, exactMatch.GetProperty("distance").GetInt32());
        Assert.Equal(Md5(image), exactMatch.GetProperty("md5").GetString());

        // Its filter blocked the upload and says so.
        var report = await Host.PostAsync("/api/v1/hashbank/matches", Host.Provider(fixture.ProviderC), new { pdq = flipped, action = "blocked", at = Host.Clock.GetUtcNow().AddSeconds(-5) });
        Assert.Equal(201, report.Status);
        Assert.Equal(entryId, report.Str("entryId"));
        Assert.Equal("blocked", report.Str("action"));
        Assert.DoesNotContain(caseId, report.Text, StringComparison.Ordinal);

        // The victim's page, with the code only.
        var status = await StatusAsync(caseId, accessCode);
        Assert.Equal(200, status.Status);
        Assert.Equal(1, status.Json.GetProperty("reuploadsBlocked").GetInt32());
        Assert.Equal("open", status.Str("status"));
        var victimOrders = status.Json.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(new[] { fixture.ProviderA, fixture.ProviderB }.Order(StringComparer.Ordinal), victimOrders.Select(o => o.GetProperty("providerId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(victimOrders, o => Assert.Equal("issued", o.GetProperty("status").GetString()));
        Assert.All(victimOrders, o => Assert.Equal(Host.Clock.GetUtcNow().AddHours(24), o.GetProperty("dueAt").GetDateTimeOffset(), TimeSpan.FromMinutes(1)));
        Assert.Equal(["caseId", "orders", "reuploadsBlocked", "status"], status.Json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Contact, status.Text, StringComparison.Ordinal);

        // The centre's own view shows the figures and, to it alone, the contact.
        var own = await Host.GetAsync($"/api/v1/cases/{caseId}", Support);
        Assert.Equal(1, own.Json.GetProperty("reuploads").GetProperty("reuploadsBlocked").GetInt32());
        Assert.Equal(Contact, own.Str("contact"));
        Assert.Equal(Note, own.Str("note"));
        Assert.Equal(own.Json.GetProperty("openedAt").GetDateTimeOffset().AddDays(14), own.Json.GetProperty("outcomeNoticeDueBy").GetDateTimeOffset());
        var byRegulator = await Host.GetAsync($"/api/v1/cases/{caseId}", Host.Regulator);
        Assert.Equal(200, byRegulator.Status);
        Assert.False(byRegulator.Json.TryGetProperty("contact", out _));
        AssertProblem(await Host.GetAsync($"/api/v1/cases/{caseId}", Host.Token(Role.Support, subject: "centre-2")), 404, "not-found");
        AssertProblem(await Host.GetAsync($"/api/v1/cases/{caseId}", Host.Provider(fixture.ProviderA)), 403, "forbidden");

        // The regulator's figures, per provider and per regime.
        var figures = await Host.GetAsync("/api/v1/hashbank/matches/figures", Host.Regulator);
        Assert.Equal(200, figures.Status);
        var ofC = Assert.Single(figures.Json.GetProperty("byProvider").EnumerateArray(), p => p.GetProperty("providerId").GetString() == fixture.ProviderC);
        Assert.Equal(1, ofC.GetProperty("counts").GetProperty("reuploadsBlocked").GetInt32());
        Assert.Equal(0, ofC.GetProperty("counts").GetProperty("falsePositives").GetInt32());
        var ofRegime = Assert.Single(figures.Json.GetProperty("byRegime").EnumerateArray(), p => p.GetProperty("legalBasis").GetString() == "KR-TBA-22-5");
        Assert.True(ofRegime.GetProperty("counts").GetProperty("reuploadsBlocked").GetInt32() >= 1);
        AssertProblem(await Host.GetAsync("/api/v1/hashbank/matches/figures", Host.Provider(fixture.ProviderC)), 403, "forbidden");

        // Wrong, missing or another case's code: not found, exactly as an unknown case.
        AssertProblem(await StatusAsync(caseId, "00000-00000-00000-00000"), 404, "not-found");
        AssertProblem(await StatusAsync(caseId, null), 404, "not-found");
        AssertProblem(await StatusAsync("case-" + new string('0', 24), accessCode), 404, "not-found");

        // The personal data is not readable in Table Storage.
        var row = await CaseRowAsync(caseId);
        var stored = string.Join('\n', row.Select(p => p.Value?.ToString()));
        Assert.DoesNotContain("5555", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("Seoul", stored, StringComparison.Ordinal);
        Assert.StartsWith("v1.", row.GetString("ProtectedContact"), StringComparison.Ordinal);
        Assert.DoesNotContain(accessCode.Replace("-", string.Empty, StringComparison.Ordinal), stored.Replace("-", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_false_positive_report_stops_the_entry_matching_for_that_provider_only()
    {
        var image = FixturePath("pdq", "images", "grass.png");
        var hashes = await VictimSideHashesAsync(image);
        var opened = await OpenAsync(new { legalBasis = "US-TAKE-IT-DOWN", hashes = new[] { new { pdqs = hashes } }, locations = new[] { new { providerId = fixture.ProviderA, url = "https://a.example/g" } } });
        Assert.Equal(201, opened.Status);

        var entryId = Assert.Single(await MatchesAsync(fixture.ProviderD, hashes[0])).GetProperty("entryId").GetString();
        var report = await Host.PostAsync("/api/v1/hashbank/matches", Host.Provider(fixture.ProviderD), new { entryId, action = "false_positive", at = Host.Clock.GetUtcNow() });
        Assert.Equal(201, report.Status);

        Assert.Empty(await MatchesAsync(fixture.ProviderD, hashes[0]));
        Assert.Equal(entryId, Assert.Single(await MatchesAsync(fixture.ProviderB, hashes[0])).GetProperty("entryId").GetString());
        // Its exports mark the item disabled, and the exchange file leaves it out; others' keep it.
        Assert.DoesNotContain($"pdq {hashes[0]}", (await Host.GetAsync("/api/v1/hashbank?format=threatexchange", Host.Provider(fixture.ProviderD))).Text, StringComparison.Ordinal);
        Assert.Contains($"pdq {hashes[0]}", (await Host.GetAsync("/api/v1/hashbank?format=threatexchange", Host.Provider(fixture.ProviderB))).Text, StringComparison.Ordinal);
        var ownExport = (await Host.GetAsync("/api/v1/hashbank", Host.Provider(fixture.ProviderD))).Json.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("entryId").GetString() == entryId).ToList();
        Assert.Equal(8, ownExport.Count);
        Assert.All(ownExport, e => Assert.True(e.GetProperty("disabled").GetBoolean()));
        var figures = await Host.GetAsync("/api/v1/hashbank/matches/figures", Host.Commission);
        var ofRegime = Assert.Single(figures.Json.GetProperty("byRegime").EnumerateArray(), p => p.GetProperty("legalBasis").GetString() == "US-TAKE-IT-DOWN");
        Assert.Equal(1, ofRegime.GetProperty("counts").GetProperty("falsePositives").GetInt32());
        Assert.Equal(0, ofRegime.GetProperty("counts").GetProperty("reuploadsBlocked").GetInt32());

        // Nothing near the hash: nothing to report.
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/matches", Host.Provider(fixture.ProviderD), new { pdq = new string('0', 64), action = "blocked", at = Host.Clock.GetUtcNow() }), 422, "no-bank-match");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/matches", Host.Provider(fixture.ProviderD), new { entryId, action = "deleted", at = Host.Clock.GetUtcNow() }), 400, "validation-failed");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/matches", Host.Provider(fixture.ProviderD), new { entryId, action = "blocked", at = Host.Clock.GetUtcNow().AddHours(1) }), 400, "validation-failed");
        AssertProblem(await Host.PostAsync("/api/v1/hashbank/matches", Host.Provider(fixture.ProviderD), new { entryId, action = "blocked", at = Host.Clock.GetUtcNow() }, idempotencyKey: null), 400, "missing-idempotency-key");
    }

    [Fact]
    public async Task Opening_a_case_is_idempotent_and_refuses_what_the_law_does_not_provide_for()
    {
        var body = new { legalBasis = "KR-TBA-22-5", hashes = new[] { new { pdq = (await VictimSideHashesAsync(FixturePath("pdq", "images", "text.png")))[0] } }, locations = new[] { new { providerId = fixture.ProviderB, url = "https://b.example/t" } } };
        var key = Guid.NewGuid().ToString();
        var first = await Host.PostAsync("/api/v1/cases", Support, body, idempotencyKey: key);
        var again = await Host.PostAsync("/api/v1/cases", Support, body, idempotencyKey: key);
        Assert.Equal(201, first.Status);
        Assert.Equal(first.Text, again.Text);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());

        // The access code is never kept, not even in the idempotency record that answers the retry.
        var records = new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient(Host.TablePrefix + "Idempotency");
        var kept = new List<string>();
        await foreach (var row in records.QueryAsync<TableEntity>())
        {
            kept.Add(string.Join('\n', row.Select(p => p.Value?.ToString())));
        }

        Assert.NotEmpty(kept);
        Assert.DoesNotContain(kept, r => r.Contains(first.Str("accessCode"), StringComparison.Ordinal));

        // The same key with other content, from a service that lost its idempotency record (expired): refused.
        var service = Host.Services.GetRequiredService<CaseService>();
        var other = new Compliance.Application.OpenCaseRequest("KR-TBA-22-5", [new(new string('a', 64), null, null, null, null)], [new(fixture.ProviderB, "https://b.example/t")], null, null);
        var refused = await Assert.ThrowsAsync<Compliance.Problems.ComplianceProblem>(() => service.OpenAsync(new Caller(Role.Support, "centre-1", null), other, $"support:centre-1|{key}", CancellationToken.None));
        Assert.Equal(Compliance.Problems.ProblemKind.IdempotencyKeyReused, refused.Kind);
        // The same content under that key after expiry: the same case and code again, no second order.
        var replayed = await service.OpenAsync(new Caller(Role.Support, "centre-1", null), JsonSerializer.Deserialize<Compliance.Application.OpenCaseRequest>(JsonSerializer.Serialize(body, ComplianceHost.Json), ComplianceHost.Json)!, $"support:centre-1|{key}", CancellationToken.None);
        Assert.Equal(first.Str("caseId"), replayed.Case.CaseId);
        Assert.Equal(first.Str("accessCode"), replayed.AccessCode);

        AssertProblem(await OpenAsync(body with { legalBasis = "EU-TCO" }), 422, "regime-not-for-victims");
        AssertProblem(await OpenAsync(body with { legalBasis = "XX" }), 422, "unknown-regime");
        AssertProblem(await OpenAsync(body with { locations = new[] { new { providerId = "nobody-here", url = "https://x.example" } } }), 422, "unknown-provider");
        AssertProblem(await Host.PostAsync("/api/v1/cases", Host.Commission, body), 403, "forbidden");
        var invalid = await OpenAsync(new
        {
            legalBasis = "KR-TBA-22-5",
            hashes = new object[] { new { pdq = "zz" }, new { pdq = new string('a', 64), md5 = new string('b', 32) }, new { pdq = new string('a', 64), quality = 20 }, new { pdq = new string('0', 64) }, new { frames = new[] { new string('a', 64), new string('f', 64) } } },
            locations = Array.Empty<object>(),
        });
        AssertProblem(invalid, 400, "validation-failed");
        var errors = invalid.Json.GetProperty("errors");
        Assert.Equal(["hashes[0].pdq", "hashes[1]", "hashes[2].quality", "hashes[3].pdq", "hashes[4].frames[1]", "locations"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_status_page_is_rate_limited_per_client_address()
    {
        // A host of its own: the limit counts every check from this address, whichever case.
        const int limit = 4;
        await using var host = await ComplianceHost.StartAsync(true, null, "--Cases:StatusChecksPerHour", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var provider = await host.RegisterProviderAsync();
        var opened = await host.PostAsync("/api/v1/cases", host.Token(Role.Support, subject: "centre-1"), new { legalBasis = "KR-TBA-22-5", hashes = new[] { new { md5 = new string('d', 32) } }, locations = new[] { new { providerId = provider, url = "https://p.example/1" } } });
        var caseId = opened.Str("caseId");
        var attempts = new[] { (caseId, opened.Str("accessCode"), 200), (caseId, "WRONG-WRONG-WRONG-WRONG", 404), ("case-" + new string('1', 24), "WRONG-WRONG-WRONG-WRONG", 404), ("not-a-case", "x", 404) };
        foreach (var (id, code, status) in attempts)
        {
            Assert.Equal(status, (await StatusOnAsync(host, id, code)).Status);
        }

        var limited = await StatusOnAsync(host, caseId, opened.Str("accessCode"));
        AssertProblem(limited, 429, "too-many-requests");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task The_threatexchange_export_lists_every_enabled_PDQ_as_a_signal_line()
    {
        var hashes = await VictimSideHashesAsync(FixturePath("pdq", "images", "color.png"));
        Assert.Equal(201, (await OpenAsync(new { legalBasis = "KR-TBA-22-5", hashes = new[] { new { pdqs = hashes } }, locations = new[] { new { providerId = fixture.ProviderB, url = "https://b.example/c" } } })).Status);

        var file = await Host.GetAsync("/api/v1/hashbank?format=threatexchange", Host.Provider(fixture.ProviderC));

        Assert.Equal(200, file.Status);
        Assert.Equal("text/plain", file.ContentType);
        var lines = file.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches("^pdq [0-9a-f]{64}$", l));
        Assert.Subset(lines.ToHashSet(), hashes.Distinct().Select(h => $"pdq {h}").ToHashSet());
        Assert.Equal(lines.Length, lines.Distinct().Count());
        AssertProblem(await Host.GetAsync("/api/v1/hashbank?format=stix", Host.Provider(fixture.ProviderC)), 400, "invalid-query");
    }

    [Fact]
    public async Task Closing_a_case_erases_its_personal_data_once_the_retention_period_is_over()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var support = host.Token(Role.Support, subject: "centre-9");
        var opened = await host.PostAsync("/api/v1/cases", support, new { legalBasis = "KR-TBA-22-5", hashes = new[] { new { md5 = new string('c', 32) } }, locations = new[] { new { providerId = provider, url = "https://p.example/1" } }, contact = Contact });
        var caseId = opened.Str("caseId");

        var closed = await host.PostAsync($"/api/v1/cases/{caseId}/closure", support, new { reason = "all removed" });
        Assert.Equal(200, closed.Status);
        Assert.Equal("closed", closed.Str("status"));
        Assert.False(closed.Json.TryGetProperty("contact", out _));
        var closedAt = closed.Json.GetProperty("closedAt").GetDateTimeOffset();
        Assert.Equal(closedAt.AddYears(3), closed.Json.GetProperty("personalDataDeleteAfter").GetDateTimeOffset());
        var erasure = host.Services.GetRequiredService<CaseService>();

        // A day short of three years (KR: records kept three years): still there.
        host.FakeClock.Advance(closedAt.AddYears(3) - host.Clock.GetUtcNow() - TimeSpan.FromDays(1));
        Assert.Equal(0, await erasure.EraseExpiredPersonalDataAsync(CancellationToken.None));
        Assert.Equal(Contact, (await host.GetAsync($"/api/v1/cases/{caseId}", host.Token(Role.Support, subject: "centre-9"))).Str("contact"));

        host.FakeClock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await erasure.EraseExpiredPersonalDataAsync(CancellationToken.None));
        var after = await host.GetAsync($"/api/v1/cases/{caseId}", host.Token(Role.Support, subject: "centre-9"));
        Assert.False(after.Json.TryGetProperty("contact", out _));
        Assert.Equal("closed", after.Str("status"));
        var row = (await new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient(host.TablePrefix + "Cases").GetEntityAsync<TableEntity>(caseId, caseId)).Value;
        Assert.Null(row.GetString("ProtectedContact"));
        Assert.False(row.GetBoolean("HoldsPersonalData"));
        Assert.Equal(0, await erasure.EraseExpiredPersonalDataAsync(CancellationToken.None));
    }

    private Task<Reply> OpenAsync(object body) => Host.PostAsync("/api/v1/cases", Support, body);

    private Task<Reply> StatusAsync(string caseId, string? accessCode) => StatusOnAsync(Host, caseId, accessCode);

    private static Task<Reply> StatusOnAsync(ComplianceHost host, string caseId, string? accessCode)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{caseId}/status");
        if (accessCode is not null)
        {
            request.Headers.Add("X-Case-Access-Code", accessCode);
        }

        return host.SendAsync(request, null);
    }

    private async Task<List<JsonElement>> MatchesAsync(string providerId, string pdq)
    {
        var reply = await Host.PostAsync("/api/v1/hashbank/lookup", Host.Provider(providerId), new { pdq }, idempotencyKey: null);
        Assert.Equal(200, reply.Status);
        return reply.Json.GetProperty("matches").EnumerateArray().ToList();
    }

    private async Task<TableEntity> CaseRowAsync(string caseId)
    {
        var table = new TableServiceClient(ComplianceHost.StorageConnection).GetTableClient(Host.TablePrefix + "Cases");
        return (await table.GetEntityAsync<TableEntity>(caseId, caseId)).Value;
    }

    /// <summary>What the centre's machine prints with <c>compliance hash --dihedral</c>: eight hashes in Meta's order.</summary>
    private static async Task<string[]> VictimSideHashesAsync(string path)
    {
        var output = new StringWriter();
        Assert.Equal(0, await ComplianceCli.RunAsync(["hash", "--dihedral", path], output, new StringWriter()));
        var hashes = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToArray();
        Assert.Equal(8, hashes.Length);
        return hashes;
    }

    // The MD5 a victim's file is known by in other hash lists: an identifier here, not a protection.
#pragma warning disable CA5351
    private static string Md5(string path) => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));
#pragma warning restore CA5351

    /// <summary>A left-right mirror at 75 % size, re-encoded as JPEG: a typical re-upload.</summary>
    private static byte[] Mirrored(SKBitmap original)
    {
        var size = new SKImageInfo(original.Width * 3 / 4, original.Height * 3 / 4);
        using var resized = original.Resize(size, new SKSamplingOptions(SKFilterMode.Linear));
        using var copy = new SKBitmap(size);
        using (var canvas = new SKCanvas(copy))
        {
            canvas.Scale(-1, 1, size.Width / 2f, 0);
            using var image = SKImage.FromBitmap(resized);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }

        return copy.Encode(SKEncodedImageFormat.Jpeg, 75).ToArray();
    }

    private static string ProviderSideHash(byte[] encoded) => PdqHasher.Hash(ImageDecoder.Decode(encoded, 10_000_000).Image!).Hash.ToHex();

    private static string FixturePath(params string[] path) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. path]);

    public sealed class Fixture : IAsyncLifetime
    {
        public ComplianceHost Host { get; private set; } = null!;

        public string ProviderA { get; private set; } = null!;

        public string ProviderB { get; private set; } = null!;

        public string ProviderC { get; private set; } = null!;

        /// <summary>Reports false positives only, so the other tests' figures for C stay exact.</summary>
        public string ProviderD { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Host = await ComplianceHost.StartAsync();
            ProviderA = await Host.RegisterProviderAsync();
            ProviderB = await Host.RegisterProviderAsync();
            ProviderC = await Host.RegisterProviderAsync();
            ProviderD = await Host.RegisterProviderAsync();
        }

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}

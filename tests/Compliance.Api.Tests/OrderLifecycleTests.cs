using static Compliance.Api.Tests.Problems;

namespace Compliance.Api.Tests;

public sealed class OrderLifecycleTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private ComplianceHost Host => fixture.Host;

    [Fact]
    public async Task Acknowledge_then_confirm_records_every_change_in_the_history()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString();
        var token = Host.Provider(provider);

        Host.FakeClock.Advance(TimeSpan.FromMinutes(5));
        var ack = await Host.PostAsync($"/api/v1/orders/{orderId}/acknowledgement", token, null);
        Assert.Equal("acknowledged", ack.Str("status"));
        AssertProblem(await Host.PostAsync($"/api/v1/orders/{orderId}/acknowledgement", token, null), 409, "illegal-transition");

        Host.FakeClock.Advance(TimeSpan.FromMinutes(30));
        var claimed = Host.Clock.GetUtcNow().AddMinutes(-10);
        var confirmed = await Host.PostAsync($"/api/v1/orders/{orderId}/confirmation", token, new { removedAt = claimed, action = "geo_blocked", evidence = "ticket 4711" });

        Assert.Equal("removed", confirmed.Str("status"));
        var removal = confirmed.Json.GetProperty("removal");
        Assert.Equal("geo_blocked", removal.GetProperty("action").GetString());
        Assert.Equal(claimed.ToUnixTimeMilliseconds(), removal.GetProperty("removedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.False(removal.GetProperty("late").GetBoolean());

        var history = (await Host.GetAsync($"/api/v1/orders/{orderId}/history", token)).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["issued", "acknowledged", "removed"], history.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([1, 2, 3], history.Select(e => e.GetProperty("sequence").GetInt32()));
        Assert.Equal("commission", history[0].GetProperty("actor").GetProperty("role").GetString());
        Assert.Equal(provider, history[2].GetProperty("actor").GetProperty("providerId").GetString());
        Assert.Equal("acknowledged", history[2].GetProperty("from").GetString());

        var again = await Host.PostAsync($"/api/v1/orders/{orderId}/objection", token, new { ground = "manifest_error", explanation = "late" });
        AssertProblem(again, 409, "illegal-transition");
        Assert.Equal("removed", again.Json.GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task Under_EU_TCO_a_manifest_error_pauses_the_clock_until_clarification_restarts_it()
    {
        var provider = await Host.RegisterProviderAsync();
        var order = await Host.IssueAsync(provider, "EU-TCO");
        var orderId = order.GetProperty("orderId").GetString();

        Host.FakeClock.Advance(TimeSpan.FromMinutes(20));
        var objected = await Host.PostAsync($"/api/v1/orders/{orderId}/objection", Host.Provider(provider), new { ground = "manifest_error", explanation = "URL belongs to another service" });
        Assert.Equal("objected", objected.Str("status"));
        Assert.True(objected.Json.GetProperty("clockPaused").GetBoolean());
        Assert.False(objected.Json.TryGetProperty("dueAt", out _));
        Assert.Equal(2400, objected.Json.GetProperty("remainingSeconds").GetDouble());

        Host.FakeClock.Advance(TimeSpan.FromHours(5));
        var clarified = await Host.PostAsync($"/api/v1/orders/{orderId}/clarification", Host.Commission, new { explanation = "Corrected URL attached" });

        Assert.Equal("issued", clarified.Str("status"));
        var now = Host.Clock.GetUtcNow();
        Assert.Equal(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)).AddHours(1), clarified.Json.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Under_EU_TCO_the_provider_reports_that_force_majeure_ceased_and_a_full_hour_starts_then()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString();

        Host.FakeClock.Advance(TimeSpan.FromMinutes(45));
        var objected = await Host.PostAsync($"/api/v1/orders/{orderId}/objection", Host.Provider(provider), new { ground = "force_majeure", explanation = "Data-centre fire" });
        Assert.True(objected.Json.GetProperty("clockPaused").GetBoolean());
        Host.FakeClock.Advance(TimeSpan.FromHours(2));
        AssertProblem(await Host.PostAsync($"/api/v1/orders/{orderId}/clarification", Host.Commission, new { explanation = "Is it over?" }), 409, "illegal-transition");
        var other = await Host.RegisterProviderAsync();
        AssertProblem(await Host.PostAsync($"/api/v1/orders/{orderId}/grounds-ceased", Host.Provider(other), new { explanation = "not mine" }), 404, "not-found");
        AssertProblem(await Host.PostAsync($"/api/v1/orders/{orderId}/grounds-ceased", Host.Commission, new { explanation = "x" }), 403, "forbidden");
        AssertProblem(await Host.PostAsync($"/api/v1/orders/{orderId}/grounds-ceased", Host.Provider(provider), new { }), 400, "validation-failed");

        var ceased = await Host.PostAsync($"/api/v1/orders/{orderId}/grounds-ceased", Host.Provider(provider), new { explanation = "Power restored at 11:45" });

        Assert.Equal(200, ceased.Status);
        Assert.Equal("issued", ceased.Str("status"));
        var now = Host.Clock.GetUtcNow();
        Assert.Equal(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)).AddHours(1), ceased.Json.GetProperty("dueAt").GetDateTimeOffset());
        var history = (await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator)).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["issued", "objected", "grounds_ceased"], history.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("Power restored at 11:45", history[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Korean_orders_carry_a_24_hour_target_and_Australian_notices_may_allow_longer()
    {
        var provider = await Host.RegisterProviderAsync();

        var kr = await Host.IssueAsync(provider, "KR-ICNA-44-7");
        Assert.Equal("target", kr.GetProperty("deadlineBasis").GetString());
        Assert.Equal(kr.GetProperty("issuedAt").GetDateTimeOffset().AddHours(24), kr.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("statutory", (await Host.IssueAsync(provider, "EU-TCO")).GetProperty("deadlineBasis").GetString());

        var allowed = Host.Clock.GetUtcNow().AddHours(72);
        var au = await Host.IssueAsync(provider, "AU-OSA", dueAt: allowed);
        Assert.Equal(allowed.ToUnixTimeMilliseconds(), au.GetProperty("dueAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var tooLong = await Host.PostAsync("/api/v1/orders", Host.Commission, ComplianceHost.WithNotice(new { providerId = provider, legalBasis = "US-TAKE-IT-DOWN", items = new[] { new { url = "https://v.example/1" } }, reason = "r", dueAt = allowed }));
        AssertProblem(tooLong, 422, "deadline-not-allowed");

        var regimes = (await Host.GetAsync("/api/v1/regimes", Host.Regulator)).Json.GetProperty("regimes").EnumerateArray().ToDictionary(r => r.GetProperty("code").GetString()!);
        Assert.Equal("P6M", regimes["EU-TCO"].GetProperty("preservation").GetString());
        Assert.Equal("P3Y", regimes["KR-TBA-22-5"].GetProperty("recordsRetention").GetString());
        Assert.True(regimes["AU-OSA"].GetProperty("longerPeriodAllowed").GetBoolean());
    }

    [Fact]
    public async Task Under_the_DSA_an_objection_does_not_stop_the_deadline_the_order_set()
    {
        var provider = await Host.RegisterProviderAsync();
        var dueAt = Host.Clock.GetUtcNow().AddDays(3);
        var order = await Host.IssueAsync(provider, "EU-DSA-ART9", dueAt: dueAt);

        var objected = await Host.PostAsync($"/api/v1/orders/{order.GetProperty("orderId").GetString()}/objection", Host.Provider(provider), new { ground = "manifest_error", explanation = "Lawful satire" });

        Assert.Equal("objected", objected.Str("status"));
        Assert.False(objected.Json.GetProperty("clockPaused").GetBoolean());
        Assert.Equal(dueAt.ToUnixTimeMilliseconds(), objected.Json.GetProperty("dueAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Under_TAKE_IT_DOWN_an_objection_does_not_stop_the_48_hour_clock()
    {
        var provider = await Host.RegisterProviderAsync();
        var order = await Host.IssueAsync(provider, "US-TAKE-IT-DOWN");
        var dueAt = order.GetProperty("dueAt").GetDateTimeOffset();
        Assert.Equal(order.GetProperty("issuedAt").GetDateTimeOffset().AddHours(48), dueAt);

        var objected = await Host.PostAsync($"/api/v1/orders/{order.GetProperty("orderId").GetString()}/objection", Host.Provider(provider), new { ground = "insufficient_information", explanation = "Which account?" });

        Assert.Equal("objected", objected.Str("status"));
        Assert.False(objected.Json.GetProperty("clockPaused").GetBoolean());
        Assert.Equal(dueAt, objected.Json.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Extension_and_withdrawal_are_recorded_with_their_reasons()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString();
        var later = Host.Clock.GetUtcNow().AddHours(30);

        var extended = await Host.PostAsync($"/api/v1/orders/{orderId}/extension", Host.Commission, new { dueAt = later, reason = "Provider requested more time for 400 copies" });
        Assert.Equal(later.ToUnixTimeMilliseconds(), extended.Json.GetProperty("dueAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        AssertProblem(await Host.PostAsync($"/api/v1/orders/{orderId}/extension", Host.Commission, new { dueAt = later.AddHours(-1), reason = "x" }), 422, "deadline-not-allowed");

        var withdrawn = await Host.PostAsync($"/api/v1/orders/{orderId}/withdrawal", Host.Commission, new { reason = "Court annulled the decision" });
        Assert.Equal("withdrawn", withdrawn.Str("status"));

        var events = (await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator)).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["issued", "extended", "withdrawn"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("Provider requested more time for 400 copies", events[1].GetProperty("reason").GetString());
        Assert.Equal("Court annulled the decision", events[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_history_is_hash_chained_and_an_edit_in_storage_is_detected()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        await Host.PostAsync($"/api/v1/orders/{orderId}/withdrawal", Host.Commission, new { reason = "Issued in error" });

        var history = await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator);
        Assert.True(history.Json.GetProperty("chainValid").GetBoolean());
        var events = history.Json.GetProperty("events");
        Assert.Equal(events[0].GetProperty("hash").GetString(), events[1].GetProperty("previousHash").GetString());

        // Someone with storage access rewrites the withdrawal reason.
        var table = new Azure.Data.Tables.TableClient(ComplianceHost.StorageConnection, Host.TablePrefix + "Orders");
        var row = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>(provider, $"{orderId}|e|000002")).Value;
        row["Reason"] = "Provider asked nicely";
        await table.UpdateEntityAsync(row, row.ETag);

        var tampered = await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator);
        Assert.False(tampered.Json.GetProperty("chainValid").GetBoolean());
    }

    [Fact]
    public async Task Deleting_the_latest_history_entry_is_detected()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString()!;
        await Host.PostAsync($"/api/v1/orders/{orderId}/acknowledgement", Host.Provider(provider), null);
        await Host.PostAsync($"/api/v1/orders/{orderId}/confirmation", Host.Provider(provider), new { removedAt = Host.Clock.GetUtcNow(), action = "removed" });
        Assert.True((await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator)).Json.GetProperty("chainValid").GetBoolean());

        // What is left is a valid chain on its own: only the order row shows it is not the whole story.
        var table = new Azure.Data.Tables.TableClient(ComplianceHost.StorageConnection, Host.TablePrefix + "Orders");
        await table.DeleteEntityAsync(provider, $"{orderId}|e|000003");

        var truncated = await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator);
        Assert.Equal(2, truncated.Json.GetProperty("events").GetArrayLength());
        Assert.False(truncated.Json.GetProperty("chainValid").GetBoolean());
    }

    [Fact]
    public async Task Transition_bodies_are_validated()
    {
        var provider = await Host.RegisterProviderAsync();
        var orderId = (await Host.IssueAsync(provider)).GetProperty("orderId").GetString();

        var badGround = await Host.PostAsync($"/api/v1/orders/{orderId}/objection", Host.Provider(provider), new { ground = "boredom" });
        AssertProblem(badGround, 400, "validation-failed");
        Assert.Equal(["explanation", "ground"], badGround.Json.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var future = await Host.PostAsync($"/api/v1/orders/{orderId}/confirmation", Host.Provider(provider), new { removedAt = Host.Clock.GetUtcNow().AddHours(1), action = "removed" });
        AssertProblem(future, 400, "validation-failed");

        var badAction = await Host.PostAsync($"/api/v1/orders/{orderId}/confirmation", Host.Provider(provider), new { removedAt = Host.Clock.GetUtcNow(), action = "deleted" });
        AssertProblem(badAction, 400, "validation-failed");
    }

    [Fact]
    public async Task Orders_list_pages_with_continuation_tokens_and_filters_by_status()
    {
        var provider = await Host.RegisterProviderAsync();
        var ids = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Host.IssueAsync(provider)).GetProperty("orderId").GetString()!);
        }

        await Host.PostAsync($"/api/v1/orders/{ids.First()}/acknowledgement", Host.Provider(provider), null);
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Host.GetAsync($"/api/v1/orders?providerId={provider}&pageSize=2" + (token is null ? string.Empty : $"&continuationToken={token}"), Host.Commission);
            Assert.Equal(200, page.Status);
            seen.AddRange(page.Json.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!));
            token = page.Json.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        Assert.Equal(ids.Order(), seen.Order());
        var acknowledged = await Host.GetAsync($"/api/v1/orders?providerId={provider}&status=acknowledged", Host.Commission);
        Assert.Equal([ids.First()], acknowledged.Json.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()));
        AssertProblem(await Host.GetAsync("/api/v1/orders?status=lost", Host.Commission), 400, "invalid-query");
        AssertProblem(await Host.GetAsync("/api/v1/orders?continuationToken=%%%", Host.Commission), 400, "invalid-query");
        AssertProblem(await Host.GetAsync("/api/v1/orders?pageSize=0", Host.Commission), 400, "invalid-query");
    }

    [Fact]
    public async Task An_objection_a_minute_after_the_deadline_is_refused_and_the_breach_counts_before_any_sweep()
    {
        var provider = await Host.RegisterProviderAsync();
        var from = Host.Clock.GetUtcNow().AddMinutes(-1);
        var order = await Host.IssueAsync(provider, "EU-TCO");
        var orderId = order.GetProperty("orderId").GetString();
        var dueAt = order.GetProperty("dueAt").GetDateTimeOffset();
        Host.FakeClock.Advance(TimeSpan.FromMinutes(61));

        var objection = await Host.PostAsync($"/api/v1/orders/{orderId}/objection", Host.Provider(provider), new { ground = "manifest_error", explanation = "wrong URL" });

        AssertProblem(objection, 409, "illegal-transition");
        Assert.Equal("breached", objection.Json.GetProperty("currentStatus").GetString());
        var stored = await Host.GetAsync($"/api/v1/orders/{orderId}", Host.Regulator);
        Assert.Equal("breached", stored.Str("status"));
        Assert.Equal(dueAt, stored.Json.GetProperty("breachedAt").GetDateTimeOffset());
        var history = (await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator)).Json.GetProperty("events").EnumerateArray();
        Assert.Equal(["issued", "breached"], history.Select(e => e.GetProperty("type").GetString()));
        AssertProblem(await Host.PostAsync($"/api/v1/orders/{orderId}/clarification", Host.Commission, new { explanation = "x" }), 409, "illegal-transition");

        var to = Host.Clock.GetUtcNow().AddMinutes(1);
        var sla = await Host.GetAsync($"/api/v1/providers/{provider}/sla?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}", Host.Regulator);
        Assert.Equal(1, sla.Json.GetProperty("breached").GetInt32());
    }

    [Fact]
    public async Task A_withdrawal_after_the_deadline_keeps_the_breach_on_record()
    {
        var provider = await Host.RegisterProviderAsync();
        var order = await Host.IssueAsync(provider, "EU-TCO");
        var orderId = order.GetProperty("orderId").GetString();
        Host.FakeClock.Advance(TimeSpan.FromMinutes(90));

        var withdrawn = await Host.PostAsync($"/api/v1/orders/{orderId}/withdrawal", Host.Commission, new { reason = "settled with the provider" });

        Assert.Equal(200, withdrawn.Status);
        Assert.Equal("withdrawn", withdrawn.Str("status"));
        Assert.Equal(order.GetProperty("dueAt").GetDateTimeOffset(), withdrawn.Json.GetProperty("breachedAt").GetDateTimeOffset());
        var history = (await Host.GetAsync($"/api/v1/orders/{orderId}/history", Host.Regulator)).Json.GetProperty("events").EnumerateArray();
        Assert.Equal(["issued", "breached", "withdrawn"], history.Select(e => e.GetProperty("type").GetString()));
    }
}

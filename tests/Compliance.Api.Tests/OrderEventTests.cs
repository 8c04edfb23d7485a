using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Compliance.Access;
using Compliance.Application;
using Compliance.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.Api.Tests;

/// <summary>Order events over the local broker with the real Service Bus client, and provider responses sent as messages.</summary>
public sealed class OrderEventTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_provider_receives_its_own_order_events_in_order_and_the_regulator_receives_all()
    {
        await using var host = await StartAsync("ev-a", "ev-b");
        var a = (await host.IssueAsync("ev-a")).GetProperty("orderId").GetString()!;
        await host.PostAsync($"/api/v1/orders/{a}/acknowledgement", host.Provider("ev-a"), null);
        await host.PostAsync($"/api/v1/orders/{a}/confirmation", host.Provider("ev-a"), new { removedAt = host.Clock.GetUtcNow(), action = "removed" });
        var b = (await host.IssueAsync("ev-b")).GetProperty("orderId").GetString()!;

        var relayed = await Relay(host).RunAsync(CancellationToken.None);

        Assert.Equal(new RelayResult(4, 0), relayed);
        await using var client = new ServiceBusClient(Connection(host));
        var forA = await ReceiveAllAsync(client, "ev-a");
        Assert.Equal(["order.issued", "order.acknowledged", "order.removed"], forA.Select(e => e.GetProperty("type").GetString()));
        Assert.All(forA, e => Assert.Equal(a, e.GetProperty("data").GetProperty("orderId").GetString()));
        Assert.Equal([1, 2, 3], forA.Select(e => e.GetProperty("data").GetProperty("sequence").GetInt32()));
        Assert.Equal("1.0", forA[0].GetProperty("specversion").GetString());
        Assert.Equal($"{a}-1", forA[0].GetProperty("id").GetString());
        Assert.Equal("https://video.example/watch/123", forA[0].GetProperty("data").GetProperty("urls")[0].GetString());
        Assert.False(forA[2].GetProperty("data").GetProperty("late").GetBoolean());

        var forB = await ReceiveAllAsync(client, "ev-b");
        Assert.Equal([b], forB.Select(e => e.GetProperty("subject").GetString()));
        var regulator = await ReceiveAllAsync(client, "regulator");
        Assert.Equal(4, regulator.Count);
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), regulator.Select(e => e.GetProperty("subject").GetString()!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Responses_sent_to_a_provider_s_own_queue_follow_the_API_rules()
    {
        await using var host = await StartAsync("rs-a", "rs-b");
        var order = (await host.IssueAsync("rs-a")).GetProperty("orderId").GetString()!;
        var otherOrder = (await host.IssueAsync("rs-b")).GetProperty("orderId").GetString()!;
        await using var client = new ServiceBusClient(await ProviderConnectionAsync(host, "rs-a"));
        await using var sender = client.CreateSender("provider-responses-rs-a");

        await sender.SendMessagesAsync([
            Response("other-provider-s-order", new { type = "confirmation", orderId = otherOrder, removedAt = host.Clock.GetUtcNow(), action = "removed" }),
            Response("malformed", "{\"type\": \"confirmation\", \"orderId\": "),
            Response("right-provider", new { type = "confirmation", orderId = order, removedAt = host.Clock.GetUtcNow(), action = "disabled" }),
        ]);

        // Dead letters are read with the app's own key: a provider's key may only send to its queue.
        await using var app = new ServiceBusClient(Connection(host));
        await using var deadLetters = app.CreateReceiver("provider-responses-rs-a", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = new Dictionary<string, ServiceBusReceivedMessage>();
        for (var attempt = 0; attempt < 20 && dead.Count < 2; attempt++)
        {
            foreach (var message in await deadLetters.ReceiveMessagesAsync(10, TimeSpan.FromMilliseconds(500)))
            {
                dead[message.MessageId] = message;
                await deadLetters.CompleteMessageAsync(message);
            }
        }

        Assert.Equal(["malformed", "other-provider-s-order"], dead.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("unauthorized", dead["other-provider-s-order"].DeadLetterReason);
        Assert.Equal("invalid_message", dead["malformed"].DeadLetterReason);
        Assert.Equal("issued", (await host.GetAsync($"/api/v1/orders/{otherOrder}", host.Regulator)).Str("status"));

        var status = string.Empty;
        for (var attempt = 0; attempt < 40 && status != "removed"; attempt++)
        {
            await Task.Delay(100);
            status = (await host.GetAsync($"/api/v1/orders/{order}", host.Regulator)).Str("status");
        }

        Assert.Equal("removed", status);
        var history = (await host.GetAsync($"/api/v1/orders/{order}/history", host.Regulator)).Json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["issued", "removed"], history.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("rs-a", history[1].GetProperty("actor").GetProperty("providerId").GetString());

        // The same message again (a redelivery) changes nothing and is not dead-lettered.
        await sender.SendMessageAsync(Response("right-provider-retry", new { type = "confirmation", orderId = order, removedAt = host.Clock.GetUtcNow(), action = "disabled" }));
        var retried = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("rejected", retried!.DeadLetterReason);
        await deadLetters.CompleteMessageAsync(retried);

        // A redelivery under the very same MessageId replays the recorded outcome: no change, no dead letter.
        // The malformed message sent after it shows when the queue has got past it.
        await sender.SendMessageAsync(Response("right-provider", new { type = "confirmation", orderId = order, removedAt = host.Clock.GetUtcNow(), action = "disabled" }));
        await sender.SendMessageAsync(Response("sentinel", "{"));
        var next = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("sentinel", next!.MessageId);
        await deadLetters.CompleteMessageAsync(next);
        Assert.Null(await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        var after = (await host.GetAsync($"/api/v1/orders/{order}/history", host.Regulator)).Json.GetProperty("events").EnumerateArray();
        Assert.Equal(["issued", "removed"], after.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_provider_s_key_cannot_send_to_another_provider_s_queue_nor_read_its_events()
    {
        await using var host = await StartAsync("ky-a", "ky-b");
        var order = (await host.IssueAsync("ky-b")).GetProperty("orderId").GetString()!;
        await Relay(host).RunAsync(CancellationToken.None);
        await using var asA = new ServiceBusClient(await ProviderConnectionAsync(host, "ky-a"));

        await using var intoB = asA.CreateSender("provider-responses-ky-b");
        var send = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => intoB.SendMessageAsync(Response("spoof", new { type = "acknowledgement", orderId = order })));
        Assert.Contains("status-code: 401, status-description: The key grants nothing on this entity.", send.Message, StringComparison.Ordinal);
        await using var eventsOfB = asA.CreateReceiver("order-events", "ky-b");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => eventsOfB.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        await using var topic = asA.CreateSender("order-events");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => topic.SendMessageAsync(new ServiceBusMessage("forged event")));

        // A key signed with the wrong secret gets nothing either, not even its own queue.
        await using var forged = new ServiceBusClient((await ProviderConnectionAsync(host, "ky-a")).Replace("SharedAccessKey=", "SharedAccessKey=x", StringComparison.Ordinal));
        await using var forgedSender = forged.CreateSender("provider-responses-ky-a");
        var forgery = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => forgedSender.SendMessageAsync(Response("forged", new { type = "acknowledgement", orderId = order })));
        Assert.Contains("The signature does not match the key.", forgery.Message, StringComparison.Ordinal);

        // B's own key reads B's events and its answer is applied as B's.
        await using var asB = new ServiceBusClient(await ProviderConnectionAsync(host, "ky-b"));
        Assert.Equal(["order.issued"], (await ReceiveAllAsync(asB, "ky-b")).Select(e => e.GetProperty("type").GetString()));
        await using var ownQueue = asB.CreateSender("provider-responses-ky-b");
        await ownQueue.SendMessageAsync(Response("ack", new { type = "acknowledgement", orderId = order }));
        var status = string.Empty;
        for (var attempt = 0; attempt < 40 && status != "acknowledged"; attempt++)
        {
            await Task.Delay(100);
            status = (await host.GetAsync($"/api/v1/orders/{order}", host.Regulator)).Str("status");
        }

        Assert.Equal("acknowledged", status);
    }

    [Fact]
    public async Task A_confirmation_queued_before_the_deadline_and_processed_after_it_is_on_time()
    {
        await using var host = await ComplianceHost.StartAsync();
        var provider = await host.RegisterProviderAsync();
        var order = await host.IssueAsync(provider, "EU-TCO");
        var orderId = order.GetProperty("orderId").GetString()!;
        var dueAt = order.GetProperty("dueAt").GetDateTimeOffset();
        var handler = host.Services.GetRequiredService<ProviderResponseHandler>();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { type = "confirmation", orderId, removedAt = dueAt.AddMinutes(-20), action = "removed" });

        // The broker took it ten minutes before the deadline; our backlog reaches it 30 minutes after.
        host.FakeClock.Advance(TimeSpan.FromMinutes(90));
        var outcome = await handler.HandleAsync(new InboundResponse("queued-early", provider, body, dueAt.AddMinutes(-10)), CancellationToken.None);

        Assert.IsType<InboundOutcome.Done>(outcome);
        var stored = await host.GetAsync($"/api/v1/orders/{orderId}", host.Regulator);
        Assert.Equal("removed", stored.Str("status"));
        Assert.False(stored.Json.GetProperty("removal").GetProperty("late").GetBoolean());
        Assert.False(stored.Json.TryGetProperty("breachedAt", out _));

        // A broker time in the future (clock skew) is never believed over ours.
        var other = (await host.IssueAsync(provider, "EU-TCO")).GetProperty("orderId").GetString()!;
        var ack = JsonSerializer.SerializeToUtf8Bytes(new { type = "acknowledgement", orderId = other });
        Assert.IsType<InboundOutcome.Done>(await handler.HandleAsync(new InboundResponse("ack-skewed", provider, ack, host.Clock.GetUtcNow().AddHours(1)), CancellationToken.None));
        var history = (await host.GetAsync($"/api/v1/orders/{other}/history", host.Regulator)).Json.GetProperty("events");
        Assert.Equal(host.Clock.GetUtcNow().ToUnixTimeMilliseconds(), history[1].GetProperty("at").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task An_event_that_keeps_failing_is_parked_after_five_attempts_and_the_order_s_later_events_go_out()
    {
        await using var host = await StartAsync("pk-a");
        var order = (await host.IssueAsync("pk-a")).GetProperty("orderId").GetString()!;
        await host.PostAsync($"/api/v1/orders/{order}/acknowledgement", host.Provider("pk-a"), null);
        var outbox = host.Services.GetRequiredService<IEventOutbox>();
        var issued = (await outbox.PendingAsync(100, CancellationToken.None)).Single(e => e.Type == "order.issued");
        var relay = new OrderEventRelay(outbox, new RefusesOneMessage(host.Services.GetRequiredService<IEventPublisher>(), issued.MessageId));

        for (var attempt = 1; attempt < OrderEventRelay.MaxAttempts; attempt++)
        {
            // Held back: the acknowledgement must not overtake the issue while the issue may still go.
            Assert.Equal(new RelayResult(0, 2, 0), await relay.RunAsync(CancellationToken.None));
        }

        Assert.Equal(new RelayResult(1, 0, 1), await relay.RunAsync(CancellationToken.None));
        Assert.Empty(await outbox.PendingAsync(100, CancellationToken.None));
        var parked = Assert.Single(await outbox.ParkedAsync(100, CancellationToken.None));
        Assert.Equal(issued.MessageId, parked.MessageId);
        Assert.Equal(OrderEventRelay.MaxAttempts, parked.Attempts);
        Assert.Equal(issued.Body, parked.Body);

        await using var client = new ServiceBusClient(Connection(host));
        var received = await ReceiveAllAsync(client, "pk-a");
        Assert.Equal(["order.acknowledged"], received.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Outbox_rows_carry_their_enqueue_time_and_the_relay_reports_the_oldest_pending_event_s_age()
    {
        await using var host = await StartAsync("age-a");
        var issuedAt = host.Clock.GetUtcNow();
        var order = (await host.IssueAsync("age-a")).GetProperty("orderId").GetString()!;

        // A breach recorded as of a past deadline is still new in the outbox: the row's time is the write's.
        host.FakeClock.Advance(TimeSpan.FromMinutes(7));
        await host.PostAsync($"/api/v1/orders/{order}/acknowledgement", host.Provider("age-a"), null);
        var outbox = host.Services.GetRequiredService<IEventOutbox>();
        var pending = (await outbox.PendingAsync(100, CancellationToken.None)).OrderBy(e => e.Sequence).ToList();
        Assert.Equal(["order.issued", "order.acknowledged"], pending.Select(e => e.Type));
        Assert.Equal([issuedAt, issuedAt.AddMinutes(7)], pending.Select(e => e.EnqueuedAt!.Value));

        var ages = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Compliance.Telemetry.ComplianceTelemetry.Name && instrument.Name == "compliance.outbox.oldest_age")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => ages.Add(value));
        listener.Start();

        // Ten minutes after the issue, the issue event still fails to publish: its age is what the alert reads.
        host.FakeClock.Advance(TimeSpan.FromMinutes(3));
        var issued = pending[0];
        var relay = new OrderEventRelay(outbox, new RefusesOneMessage(host.Services.GetRequiredService<IEventPublisher>(), issued.MessageId), host.Clock);
        Assert.Equal(new RelayResult(0, 2, 0), await relay.RunAsync(CancellationToken.None));
        Assert.Contains(600.0, ages);

        // Once everything is out, nothing waits: age zero.
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        Assert.Equal(new RelayResult(2, 0, 0), await new OrderEventRelay(outbox, publisher, host.Clock).RunAsync(CancellationToken.None));
        ages.Clear();
        Assert.Equal(new RelayResult(0, 0, 0), await new OrderEventRelay(outbox, publisher, host.Clock).RunAsync(CancellationToken.None));
        Assert.Equal([0.0], ages.Distinct());
    }

    [Fact]
    public async Task A_relay_killed_before_publishing_or_before_marking_sent_loses_and_duplicates_nothing()
    {
        await using var host = await StartAsync("ft-a");
        var order = (await host.IssueAsync("ft-a")).GetProperty("orderId").GetString()!;
        await host.PostAsync($"/api/v1/orders/{order}/acknowledgement", host.Provider("ft-a"), null);
        var outbox = host.Services.GetRequiredService<IEventOutbox>();

        // Killed after the table write, before publishing: both events are still pending.
        Assert.Equal(2, (await outbox.PendingAsync(100, CancellationToken.None)).Count);

        // Killed after publishing, before marking sent.
        var crashing = new OrderEventRelay(outbox, new KilledAfterPublish(host.Services.GetRequiredService<IEventPublisher>()));
        await Assert.ThrowsAsync<OperationCanceledException>(() => crashing.RunAsync(CancellationToken.None));
        Assert.Equal(2, (await outbox.PendingAsync(100, CancellationToken.None)).Count);

        // Restarted: everything is published again under the same MessageIds and marked sent.
        Assert.Equal(new RelayResult(2, 0), await Relay(host).RunAsync(CancellationToken.None));
        Assert.Empty(await outbox.PendingAsync(100, CancellationToken.None));

        await using var client = new ServiceBusClient(Connection(host));
        var received = await ReceiveAllAsync(client, "ft-a");
        Assert.Equal(["order.issued", "order.acknowledged"], received.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Detection_results_become_events_for_the_provider()
    {
        // A host with a classifier configured (the tests' own model, flagging anything not black).
        var models = Directory.CreateTempSubdirectory("compliance-models-");
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "models")))
        {
            File.Copy(file, Path.Combine(models.FullName, Path.GetFileName(file)));
        }

        Compliance.Detection.Tests.TinyOnnxModel.WriteMeanBrightness(models.FullName, threshold: 0.05);
        await using var host = await StartWithAsync(["--Detection:ModelDirectory", models.FullName, "--Detection:Classifiers:0", Compliance.Detection.Tests.TinyOnnxModel.Name + ".model.json"], "md-a");
        var order = (await host.IssueAsync("md-a")).GetProperty("orderId").GetString()!;
        var ticket = await host.PostAsync($"/api/v1/orders/{order}/media", host.Commission, null);
        var media = ticket.Str("mediaId");
        await new Azure.Storage.Blobs.BlobClient(new Uri(ticket.Str("uploadUrl"))).UploadAsync(BinaryData.FromBytes(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "faces", "astronaut.png"))));
        for (var attempt = 0; attempt < 100 && (await host.GetAsync($"/api/v1/orders/{order}/media/{media}", host.Regulator)).Str("status") == "pending"; attempt++)
        {
            await Task.Delay(200);
        }

        await Relay(host).RunAsync(CancellationToken.None);

        await using var client = new ServiceBusClient(Connection(host));
        var events = await ReceiveAllAsync(client, "md-a");
        Assert.Equal(["order.issued", "media.analysed"], events.Select(e => e.GetProperty("type").GetString()));
        var data = events[1].GetProperty("data");
        Assert.Equal(media, data.GetProperty("mediaId").GetString());
        Assert.Equal(1, data.GetProperty("faceCount").GetInt32());
        Assert.Equal([Compliance.Detection.Tests.TinyOnnxModel.Name], data.GetProperty("flaggedBy").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal($"{media}-result", events[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_cli_tails_a_subscription_as_json_lines()
    {
        await using var host = await StartAsync("cli-a");
        var order = (await host.IssueAsync("cli-a")).GetProperty("orderId").GetString()!;
        await Relay(host).RunAsync(CancellationToken.None);
        var output = new StringWriter();

        var exit = await ComplianceCli.RunAsync(["events", "tail", "--subscription", "cli-a", "--max", "1", "--timeout", "20", "--connection", Connection(host)], output, new StringWriter());

        Assert.Equal(0, exit);
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var cloudEvent = JsonDocument.Parse(line);
        Assert.Equal("order.issued", cloudEvent.RootElement.GetProperty("type").GetString());
        Assert.Equal(order, cloudEvent.RootElement.GetProperty("data").GetProperty("orderId").GetString());
    }

    private static Task<ComplianceHost> StartAsync(params string[] providers) => StartWithAsync([], providers);

    private static async Task<ComplianceHost> StartWithAsync(string[] settings, params string[] providers)
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        var host = await ComplianceHost.StartAsync(true, null, ["--LocalBroker:Port", port.ToString(), "--Messaging:Providers", string.Join(',', providers), .. settings]);
        foreach (var provider in providers)
        {
            await host.RegisterProviderAsync(provider);
        }

        return host;
    }

    private static OrderEventRelay Relay(ComplianceHost host) => host.Services.GetRequiredService<OrderEventRelay>();

    private static string Connection(ComplianceHost host) => host.Services.GetRequiredService<Compliance.Infrastructure.Messaging.ServiceBusConnection>().ConnectionString!;

    /// <summary>The connection string the local run hands a provider, as <c>compliance events connection</c> prints it.</summary>
    private static async Task<string> ProviderConnectionAsync(ComplianceHost host, string providerId)
    {
        var port = host.Services.GetRequiredService<Compliance.LocalHost.LocalBrokerService>().Broker!.Port;
        var output = new StringWriter();
        Assert.Equal(0, await ComplianceCli.RunAsync(["events", "connection", "--provider", providerId, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], output, new StringWriter()));
        return output.ToString().Trim();
    }

    private static ServiceBusMessage Response(string messageId, object body) =>
        new(body is string raw ? BinaryData.FromString(raw) : BinaryData.FromObjectAsJson(body))
        {
            MessageId = messageId,
            ContentType = "application/json",
        };

    private static async Task<List<JsonElement>> ReceiveAllAsync(ServiceBusClient client, string subscription)
    {
        await using var receiver = client.CreateReceiver("order-events", subscription);
        var events = new List<JsonElement>();
        while (await receiver.ReceiveMessageAsync(events.Count == 0 ? Wait : TimeSpan.FromSeconds(2)) is { } message)
        {
            events.Add(JsonDocument.Parse(message.Body.ToMemory()).RootElement.Clone());
            await receiver.CompleteMessageAsync(message);
        }

        return events;
    }

    /// <summary>Publishes for real, then dies as a killed task would, before the relay can mark anything sent.</summary>
    private sealed class RefusesOneMessage(IEventPublisher inner, string refusedMessageId) : IEventPublisher
    {
        public bool IsConfigured => true;

        public Task PublishAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken) =>
            events.Any(e => e.MessageId == refusedMessageId)
                ? throw new InvalidOperationException("the broker refuses this message")
                : inner.PublishAsync(events, cancellationToken);
    }

    private sealed class KilledAfterPublish(IEventPublisher inner) : IEventPublisher
    {
        public bool IsConfigured => true;

        public async Task PublishAsync(IReadOnlyList<PendingEvent> events, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(events, cancellationToken);
            throw new OperationCanceledException("relay task killed");
        }
    }
}

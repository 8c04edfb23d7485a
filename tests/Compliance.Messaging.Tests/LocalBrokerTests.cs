using Azure.Messaging.ServiceBus;
using Compliance.LocalBroker;

namespace Compliance.Messaging.Tests;

public sealed class LocalBrokerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Correlation_filtered_subscriptions_receive_only_their_own_messages()
    {
        using var broker = Broker.Start(b =>
        {
            b.AddTopic("events");
            b.AddSubscription("events", "a", CorrelationFilter.On("providerId", "a"));
            b.AddSubscription("events", "b", CorrelationFilter.On("providerId", "b"));
            b.AddSubscription("events", "all");
        });
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await using var sender = client.CreateSender("events");

        await sender.SendMessageAsync(new ServiceBusMessage("for a") { MessageId = "1", ApplicationProperties = { ["providerId"] = "a" } });
        await sender.SendMessagesAsync([
            new ServiceBusMessage("for b") { MessageId = "2", ApplicationProperties = { ["providerId"] = "b" } },
            new ServiceBusMessage("for a again") { MessageId = "3", ApplicationProperties = { ["providerId"] = "a" }, Subject = "s" },
        ]);

        await using var a = client.CreateReceiver("events", "a");
        var received = await a.ReceiveMessagesAsync(10, Wait);
        while (received.Count < 2)
        {
            received = [.. received, .. await a.ReceiveMessagesAsync(10, Wait)];
        }

        Assert.Equal(["for a", "for a again"], received.Select(m => m.Body.ToString()));
        Assert.Equal("s", received[1].Subject);
        Assert.Equal(1, received[0].DeliveryCount);
        Assert.True(received[1].SequenceNumber > received[0].SequenceNumber);
        Assert.NotEqual(default, received[0].LockToken);
        foreach (var message in received)
        {
            await a.CompleteMessageAsync(message);
        }

        await using var b = client.CreateReceiver("events", "b");
        Assert.Equal("for b", (await b.ReceiveMessageAsync(Wait))!.Body.ToString());
        await using var all = client.CreateReceiver("events", "all", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var everything = await all.ReceiveMessagesAsync(10, Wait);
        while (everything.Count < 3)
        {
            everything = [.. everything, .. await all.ReceiveMessagesAsync(10, Wait)];
        }

        Assert.Equal(3, everything.Count);
        Assert.Equal(0, broker.CountMessages("events/Subscriptions/a"));
        Assert.Equal(0, broker.CountMessages("events/Subscriptions/all"));
    }

    [Fact]
    public async Task Abandon_redelivers_and_dead_letter_keeps_reason_and_description()
    {
        using var broker = Broker.Start(b => b.AddQueue("q", new EntityOptions { MaxDeliveryCount = 3 }));
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await client.CreateSender("q").SendMessageAsync(new ServiceBusMessage("x") { MessageId = "m1" });
        await using var receiver = client.CreateReceiver("q");

        var first = (await receiver.ReceiveMessageAsync(Wait))!;
        await receiver.AbandonMessageAsync(first);
        var second = (await receiver.ReceiveMessageAsync(Wait))!;
        Assert.Equal("m1", second.MessageId);
        Assert.Equal(2, second.DeliveryCount);

        await receiver.DeadLetterMessageAsync(second, "unauthorized", "provider mismatch");

        await using var deadLetters = client.CreateReceiver("q", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = (await deadLetters.ReceiveMessageAsync(Wait))!;
        Assert.Equal("m1", dead.MessageId);
        Assert.Equal("unauthorized", dead.DeadLetterReason);
        Assert.Equal("provider mismatch", dead.DeadLetterErrorDescription);
        await deadLetters.CompleteMessageAsync(dead);
        Assert.Equal(0, broker.CountMessages("q"));
        Assert.Equal(0, broker.CountMessages("q/$DeadLetterQueue"));
    }

    [Fact]
    public async Task Exhausting_the_delivery_count_moves_a_message_to_the_dead_letter_queue()
    {
        using var broker = Broker.Start(b => b.AddQueue("q", new EntityOptions { MaxDeliveryCount = 2 }));
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await client.CreateSender("q").SendMessageAsync(new ServiceBusMessage("poison") { MessageId = "p" });
        await using var receiver = client.CreateReceiver("q");

        await receiver.AbandonMessageAsync((await receiver.ReceiveMessageAsync(Wait))!);
        await receiver.AbandonMessageAsync((await receiver.ReceiveMessageAsync(Wait))!);

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)));
        await using var deadLetters = client.CreateReceiver("q", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = (await deadLetters.ReceiveMessageAsync(Wait))!;
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
    }

    [Fact]
    public async Task A_lock_can_be_renewed_and_an_expired_lock_makes_the_message_available_again()
    {
        using var broker = Broker.Start(b => b.AddQueue("q", new EntityOptions { LockDuration = TimeSpan.FromSeconds(1) }));
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await client.CreateSender("q").SendMessageAsync(new ServiceBusMessage("slow") { MessageId = "s" });
        await using var receiver = client.CreateReceiver("q");

        var message = (await receiver.ReceiveMessageAsync(Wait))!;
        var before = message.LockedUntil;
        await Task.Delay(300);
        await receiver.RenewMessageLockAsync(message);
        Assert.True(message.LockedUntil > before);

        await Task.Delay(1800);
        var again = (await receiver.ReceiveMessageAsync(Wait))!;
        Assert.Equal("s", again.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(message));
        await receiver.CompleteMessageAsync(again);
    }

    [Fact]
    public async Task Duplicate_message_ids_are_dropped_within_the_window()
    {
        using var broker = Broker.Start(b => b.AddQueue("q"));
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await using var sender = client.CreateSender("q");

        await sender.SendMessageAsync(new ServiceBusMessage("one") { MessageId = "same" });
        await sender.SendMessageAsync(new ServiceBusMessage("two") { MessageId = "same" });
        await sender.SendMessageAsync(new ServiceBusMessage("three") { MessageId = "other" });

        Assert.Equal(2, broker.CountMessages("q"));
    }

    [Fact]
    public async Task Scheduled_messages_appear_at_their_time_and_can_be_cancelled()
    {
        using var broker = Broker.Start(b => b.AddQueue("q"));
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await using var sender = client.CreateSender("q");
        await using var receiver = client.CreateReceiver("q");

        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        await sender.ScheduleMessageAsync(new ServiceBusMessage("later") { MessageId = "later" }, at);
        var cancelled = await sender.ScheduleMessageAsync(new ServiceBusMessage("never") { MessageId = "never" }, at);
        await sender.CancelScheduledMessageAsync(cancelled);

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)));
        var message = (await receiver.ReceiveMessageAsync(Wait))!;
        Assert.Equal("later", message.MessageId);
        Assert.True(DateTimeOffset.UtcNow >= at.AddMilliseconds(-300));
        await receiver.CompleteMessageAsync(message);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task A_processor_drains_a_queue()
    {
        using var broker = Broker.Start(b => b.AddQueue("q"));
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await client.CreateSender("q").SendMessagesAsync(Enumerable.Range(0, 20).Select(i => new ServiceBusMessage($"m{i}") { MessageId = $"m{i}" }));
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var done = new TaskCompletionSource();
        await using var processor = client.CreateProcessor("q", new ServiceBusProcessorOptions { MaxConcurrentCalls = 4 });
        processor.ProcessMessageAsync += args =>
        {
            seen.Add(args.Message.MessageId);
            if (seen.Count == 20)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;

        await processor.StartProcessingAsync();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await processor.StopProcessingAsync();

        Assert.Equal(20, seen.Distinct().Count());
        Assert.Equal(0, broker.CountMessages("q"));
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Messaging.ServiceBus;
using Compliance.LocalBroker;

namespace Compliance.Messaging.Tests;

/// <summary>The broker checks each SAS token as Service Bus does: key, signature, expiry, resource and the rights of the key.</summary>
public sealed class BrokerAuthorizationTests
{
    private const string Key = "c2VjcmV0LWtleS1vZi1xMQ==";

    [Fact]
    public async Task A_key_scoped_to_one_queue_sends_there_and_nowhere_else()
    {
        using var broker = Start();
        await using var client = new ServiceBusClient(broker.ConnectionStringFor(new AuthorizationRule("q1-send", Key, [new EntityGrant("q1", EntityRights.Send)])));

        await using var own = client.CreateSender("q1");
        await own.SendMessageAsync(new ServiceBusMessage("hello") { MessageId = "1" });
        Assert.Equal(1, broker.CountMessages("q1"));

        await using var other = client.CreateSender("q2");
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => other.SendMessageAsync(new ServiceBusMessage("x")));
        Assert.Contains("The key grants nothing on this entity.", refused.Message, StringComparison.Ordinal);

        // Send does not include Listen: the key cannot read back what it sent.
        await using var reader = client.CreateReceiver("q1");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => reader.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(0, broker.CountMessages("q2"));
        Assert.Equal(1, broker.CountMessages("q1"));
    }

    [Fact]
    public async Task A_key_for_one_queue_cannot_cancel_messages_scheduled_on_another()
    {
        using var broker = Start();
        await using var app = new ServiceBusClient(broker.ConnectionString);
        await using var intoQ2 = app.CreateSender("q2");
        var theirs = await intoQ2.ScheduleMessageAsync(new ServiceBusMessage("later") { MessageId = "q2-later" }, DateTimeOffset.UtcNow.AddHours(1));
        await using var client = new ServiceBusClient(broker.ConnectionStringFor(new AuthorizationRule("q1-send", Key, [new EntityGrant("q1", EntityRights.Send)])));
        await using var own = client.CreateSender("q1");

        // Through its own queue's management node, with the other queue's sequence number.
        await own.CancelScheduledMessageAsync(theirs);

        Assert.Equal(1, broker.CountMessages("q2"));
        await intoQ2.CancelScheduledMessageAsync(theirs);
        Assert.Equal(0, broker.CountMessages("q2"));
    }

    [Theory]
    [InlineData(-60, "amqp://localhost/q1", Key, "The token has expired.")]
    [InlineData(3600, "amqp://localhost/q2", Key, "The token was signed for another resource.")]
    [InlineData(3600, "amqp://localhost/q1", "b3RoZXIta2V5", "The signature does not match the key.")]
    public async Task A_token_that_is_expired_for_another_resource_or_badly_signed_is_refused(int secondsValid, string resource, string signingKey, string reason)
    {
        using var broker = Start();
        var token = Token(resource, signingKey, DateTimeOffset.UtcNow.AddSeconds(secondsValid));
        await using var client = new ServiceBusClient($"Endpoint=sb://localhost:{broker.Port};SharedAccessSignature={token};UseDevelopmentEmulator=true");
        await using var sender = client.CreateSender("q1");

        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, broker.CountMessages("q1"));
    }

    private static LocalServiceBus Start()
    {
        var broker = Broker.Start(b =>
        {
            b.AddQueue("q1");
            b.AddQueue("q2");
        });
        broker.AddAuthorizationRule(new AuthorizationRule("q1-send", Key, [new EntityGrant("q1", EntityRights.Send)]));
        return broker;
    }

    /// <summary>Service Bus's SAS format, written out here so the test does not trust the broker's own parser.</summary>
    private static string Token(string resource, string key, DateTimeOffset expiry)
    {
        var encoded = WebUtility.UrlEncode(resource);
        var seconds = expiry.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encoded + "\n" + seconds)));
        return $"SharedAccessSignature sr={encoded}&sig={WebUtility.UrlEncode(signature)}&se={seconds}&skn=q1-send";
    }
}

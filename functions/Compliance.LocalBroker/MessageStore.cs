using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace Compliance.LocalBroker;

/// <summary>Settings of a queue or subscription, mirroring the Service Bus properties of the same names.</summary>
public sealed record EntityOptions
{
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxDeliveryCount { get; init; } = 10;

    public TimeSpan DuplicateDetectionWindow { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The messages of one queue, subscription or dead-letter queue, and the receivers reading them.
/// Peek-lock deliveries carry their lock token as the delivery tag, as Service Bus does.
/// </summary>
internal sealed class MessageStore(string path, EntityOptions options, MessageStore? deadLetter, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly List<StoredMessage> _messages = [];
    private readonly List<Consumer> _consumers = [];
    private int _nextConsumer;

    public string Path => path;

    public MessageStore? DeadLetter => deadLetter;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    public void Enqueue(StoredMessage message, long sequenceNumber)
    {
        message.SequenceNumber = sequenceNumber;
        message.EnqueuedTime = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            _messages.Add(message);
        }

        Pump();
    }

    public void Attach(SendingAmqpLink link)
    {
        var consumer = new Consumer(link);
        lock (_gate)
        {
            _consumers.Add(consumer);
        }

        link.RegisterCreditListener((credit, drain, _) =>
        {
            // The listener receives the credit the client added (as the library's own test broker counts it).
            lock (_gate)
            {
                consumer.Credit += (int)credit;
            }

            Pump();
        });
        link.RegisterDispositionListener(delivery => OnDisposition(link, delivery));
        link.Closed += (_, _) => Detach(consumer);
    }

    public DateTime? RenewLock(Guid lockToken)
    {
        lock (_gate)
        {
            var message = _messages.Find(m => m.LockToken == lockToken);
            if (message is null)
            {
                return null;
            }

            message.LockedUntil = time.GetUtcNow().UtcDateTime + options.LockDuration;
            return message.LockedUntil;
        }
    }

    public bool CancelScheduled(long sequenceNumber)
    {
        lock (_gate)
        {
            return _messages.RemoveAll(m => m.SequenceNumber == sequenceNumber && m.ScheduledEnqueueTime is not null && m.LockToken is null) > 0;
        }
    }

    /// <summary>Expires locks (each counts as a delivery attempt) and releases scheduled messages that are due.</summary>
    public void Tick()
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<StoredMessage> exhausted = [];
        lock (_gate)
        {
            foreach (var message in _messages.Where(m => m.LockToken is not null && m.LockedUntil <= now))
            {
                message.LockToken = null;
                message.DeliveryCount++;
                if (deadLetter is not null && message.DeliveryCount >= options.MaxDeliveryCount)
                {
                    exhausted.Add(message);
                }
            }

            _messages.RemoveAll(exhausted.Contains);
        }

        foreach (var message in exhausted)
        {
            MoveToDeadLetter(message, "MaxDeliveryCountExceeded", $"Message could not be consumed after {options.MaxDeliveryCount} delivery attempts.");
        }

        Pump();
    }

    private void Pump()
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<(SendingAmqpLink Link, AmqpMessage Message, byte[] Tag)> deliveries = [];
        lock (_gate)
        {
            foreach (var message in _messages)
            {
                if (message.LockToken is not null || message.ScheduledEnqueueTime > now)
                {
                    continue;
                }

                var consumer = NextConsumerWithCredit();
                if (consumer is null)
                {
                    break;
                }

                consumer.Credit--;
                var token = Guid.NewGuid();
                if (consumer.Link.Settings.SettleType == SettleMode.SettleOnSend)
                {
                    message.LockToken = null;
                    deliveries.Add((consumer.Link, message.ToDelivery(), token.ToByteArray()));
                    message.SequenceNumber = -message.SequenceNumber; // marked for removal below
                    continue;
                }

                message.LockToken = token;
                message.LockedUntil = now + options.LockDuration;
                deliveries.Add((consumer.Link, message.ToDelivery(), token.ToByteArray()));
            }

            _messages.RemoveAll(m => m.SequenceNumber < 0);
        }

        foreach (var (link, message, tag) in deliveries)
        {
            link.SendMessageNoWait(message, new ArraySegment<byte>(tag), new ArraySegment<byte>());
        }
    }

    private Consumer? NextConsumerWithCredit()
    {
        for (var i = 0; i < _consumers.Count; i++)
        {
            var consumer = _consumers[(_nextConsumer + i) % _consumers.Count];
            if (consumer.Credit > 0)
            {
                _nextConsumer = (_nextConsumer + i + 1) % _consumers.Count;
                return consumer;
            }
        }

        return null;
    }

    private void OnDisposition(SendingAmqpLink link, Delivery delivery)
    {
        var state = delivery.State;
        if (delivery.DeliveryTag.Count != 16)
        {
            link.DisposeDelivery(delivery, true, state);
            return;
        }

        var token = new Guid(delivery.DeliveryTag.AsSpan());
        StoredMessage? message;
        lock (_gate)
        {
            message = _messages.Find(m => m.LockToken == token);
        }

        if (message is null)
        {
            // Lock lost (expired or settled before): Service Bus answers the same way, the client sees the failure.
            link.DisposeDelivery(delivery, true, new Rejected { Error = new Error { Condition = "com.microsoft:message-lock-lost", Description = "The lock on the message was lost." } });
            return;
        }

        switch (state)
        {
            case Accepted:
                Remove(message);
                link.DisposeDelivery(delivery, true, state);
                break;
            case Rejected rejected:
                Remove(message);
                var info = rejected.Error?.Info;
                MoveToDeadLetter(
                    message,
                    info?["DeadLetterReason"] as string ?? rejected.Error?.Condition.Value ?? "Rejected",
                    info?["DeadLetterErrorDescription"] as string ?? rejected.Error?.Description ?? string.Empty);

                // Echoing Rejected makes the client's DeadLetterMessageAsync fail; Service Bus settles with Accepted.
                link.DisposeDelivery(delivery, true, AmqpConstants.AcceptedOutcome);
                break;
            case Modified modified:
                Abandon(message, modified);
                link.DisposeDelivery(delivery, true, state);
                break;
            default:
                // Released: the client had no receive call waiting; it is not a delivery attempt.
                Unlock(message, countAttempt: false);
                link.DisposeDelivery(delivery, true, state);
                break;
        }

        Pump();
    }

    private void Abandon(StoredMessage message, Modified modified)
    {
        if (modified.MessageAnnotations is { } annotations)
        {
            foreach (var pair in annotations)
            {
                message.ApplicationProperties[pair.Key.Key.ToString()!] = pair.Value;
            }
        }

        Unlock(message, countAttempt: true);
    }

    private void Unlock(StoredMessage message, bool countAttempt)
    {
        var exhausted = false;
        lock (_gate)
        {
            message.LockToken = null;
            if (countAttempt)
            {
                message.DeliveryCount++;
                exhausted = deadLetter is not null && message.DeliveryCount >= options.MaxDeliveryCount;
                if (exhausted)
                {
                    _messages.Remove(message);
                }
            }
        }

        if (exhausted)
        {
            MoveToDeadLetter(message, "MaxDeliveryCountExceeded", $"Message could not be consumed after {options.MaxDeliveryCount} delivery attempts.");
        }
    }

    private void Remove(StoredMessage message)
    {
        lock (_gate)
        {
            _messages.Remove(message);
        }
    }

    private void MoveToDeadLetter(StoredMessage message, string reason, string description)
    {
        if (deadLetter is null)
        {
            return;
        }

        var copy = message.CloneForEntity();
        copy.ScheduledEnqueueTime = null;
        copy.DeliveryCount = message.DeliveryCount;
        copy.ApplicationProperties["DeadLetterReason"] = reason;
        copy.ApplicationProperties["DeadLetterErrorDescription"] = description;
        copy.Annotations[(AmqpSymbol)"x-opt-deadletter-source"] = path;
        deadLetter.Enqueue(copy, message.SequenceNumber);
    }

    private void Detach(Consumer consumer)
    {
        lock (_gate)
        {
            _consumers.Remove(consumer);
            consumer.Credit = 0;
        }
    }

    private sealed class Consumer(SendingAmqpLink link)
    {
        public SendingAmqpLink Link { get; } = link;

        public int Credit { get; set; }
    }
}

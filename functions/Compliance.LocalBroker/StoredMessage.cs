using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace Compliance.LocalBroker;

/// <summary>
/// A message as the broker keeps it: the sections the client sent, copied out of the transfer
/// buffers, plus the broker's own state (sequence number, lock, delivery count, schedule).
/// </summary>
internal sealed class StoredMessage
{
    private const uint BatchFormat = 0x80013700;

    public required byte[] Body { get; init; }

    public required Properties Properties { get; init; }

    public required Dictionary<string, object> ApplicationProperties { get; init; }

    public required Dictionary<AmqpSymbol, object> Annotations { get; init; }

    public uint? TimeToLiveMs { get; init; }

    public long SequenceNumber { get; set; }

    public DateTime EnqueuedTime { get; set; }

    public DateTime? ScheduledEnqueueTime { get; set; }

    public uint DeliveryCount { get; set; }

    public Guid? LockToken { get; set; }

    public DateTime LockedUntil { get; set; }

    public string? MessageId => Properties.MessageId?.ToString();

    /// <summary>Splits a transfer into the messages it carries: one, or many in Service Bus's batch format.</summary>
    public static IEnumerable<StoredMessage> FromTransfer(AmqpMessage transfer)
    {
        if (transfer.MessageFormat == BatchFormat)
        {
            foreach (var data in transfer.DataBody)
            {
                using var inner = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([Bytes(data.Value)]), true);
                inner.Deserialize(SectionFlag.All);
                yield return Copy(inner);
            }
        }
        else
        {
            yield return Copy(transfer);
        }
    }

    public static StoredMessage FromEncoded(byte[] encoded)
    {
        using var message = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([new ArraySegment<byte>(encoded)]), true);
        message.Deserialize(SectionFlag.All);
        return Copy(message);
    }

    public StoredMessage CloneForEntity() => new()
    {
        Body = Body,
        Properties = Properties,
        ApplicationProperties = new Dictionary<string, object>(ApplicationProperties),
        Annotations = new Dictionary<AmqpSymbol, object>(Annotations),
        TimeToLiveMs = TimeToLiveMs,
        ScheduledEnqueueTime = ScheduledEnqueueTime,
    };

    /// <summary>A fresh transfer for one delivery, with the broker's annotations as Service Bus sets them.</summary>
    public AmqpMessage ToDelivery()
    {
        var message = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(Body) });
        CopyProperties(Properties, message.Properties);
        message.Header.DeliveryCount = DeliveryCount;
        message.Header.Durable = true;
        message.Header.Ttl = TimeToLiveMs;
        foreach (var (name, value) in ApplicationProperties)
        {
            message.ApplicationProperties.Map[name] = value;
        }

        foreach (var (name, value) in Annotations)
        {
            message.MessageAnnotations.Map[name] = value;
        }

        message.MessageAnnotations.Map["x-opt-sequence-number"] = SequenceNumber;
        message.MessageAnnotations.Map["x-opt-enqueued-time"] = EnqueuedTime;
        if (LockToken is not null)
        {
            message.MessageAnnotations.Map["x-opt-locked-until"] = LockedUntil;
        }

        return message;
    }

    private static StoredMessage Copy(AmqpMessage source)
    {
        var body = source.DataBody is { } data ? data.SelectMany(d => Bytes(d.Value)).ToArray() : [];
        var properties = new Properties();
        CopyProperties(source.Properties, properties);
        var application = new Dictionary<string, object>(StringComparer.Ordinal);
        if ((source.Sections & SectionFlag.ApplicationProperties) != 0)
        {
            foreach (var pair in source.ApplicationProperties.Map)
            {
                application[pair.Key.Key.ToString()!] = pair.Value;
            }
        }

        var annotations = new Dictionary<AmqpSymbol, object>();
        if ((source.Sections & SectionFlag.MessageAnnotations) != 0)
        {
            foreach (var pair in source.MessageAnnotations.Map)
            {
                annotations[(AmqpSymbol)pair.Key.Key] = pair.Value;
            }
        }

        DateTime? scheduled = annotations.TryGetValue("x-opt-scheduled-enqueue-time", out var at) && at is DateTime time ? time : null;
        return new StoredMessage
        {
            Body = body,
            Properties = properties,
            ApplicationProperties = application,
            Annotations = annotations,
            TimeToLiveMs = (source.Sections & SectionFlag.Header) != 0 ? source.Header.Ttl : null,
            ScheduledEnqueueTime = scheduled,
        };
    }

    private static void CopyProperties(Properties from, Properties to)
    {
        to.MessageId = from.MessageId;
        to.UserId = from.UserId;
        to.To = from.To;
        to.Subject = from.Subject;
        to.ReplyTo = from.ReplyTo;
        to.CorrelationId = from.CorrelationId;
        to.ContentType = from.ContentType;
        to.ContentEncoding = from.ContentEncoding;
        to.AbsoluteExpiryTime = from.AbsoluteExpiryTime;
        to.CreationTime = from.CreationTime;
        to.GroupId = from.GroupId;
        to.GroupSequence = from.GroupSequence;
        to.ReplyToGroupId = from.ReplyToGroupId;
    }

    private static ArraySegment<byte> Bytes(object value) => value switch
    {
        ArraySegment<byte> segment => new ArraySegment<byte>(segment.ToArray()),
        byte[] bytes => new ArraySegment<byte>(bytes),
        _ => throw new AmqpException(AmqpErrorCode.DecodeError, "Unexpected data section."),
    };
}

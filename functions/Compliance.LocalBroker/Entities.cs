using System.Collections.Concurrent;

namespace Compliance.LocalBroker;

/// <summary>Drops a message whose MessageId the entity has seen within its duplicate-detection window.</summary>
internal sealed class DuplicateDetector(TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public bool IsDuplicate(string? messageId)
    {
        if (messageId is null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        foreach (var (id, at) in _seen)
        {
            if (now - at > window)
            {
                _seen.TryRemove(id, out _);
            }
        }

        return !_seen.TryAdd(messageId, now);
    }
}

/// <summary>A subscription's correlation filter: every listed application property must equal the given value.</summary>
public sealed record CorrelationFilter(IReadOnlyDictionary<string, string> ApplicationProperties)
{
    public static CorrelationFilter On(string property, string value) => new(new Dictionary<string, string> { [property] = value });

    internal bool Matches(StoredMessage message) =>
        ApplicationProperties.All(p => message.ApplicationProperties.TryGetValue(p.Key, out var value) && string.Equals(value?.ToString(), p.Value, StringComparison.Ordinal));
}

internal sealed class QueueEntity(string name, EntityOptions options, TimeProvider time)
{
    public string Name => name;

    public MessageStore Store { get; } = new(name, options, new MessageStore(name + "/$DeadLetterQueue", options, null, time), time);

    public DuplicateDetector Duplicates { get; } = new(options.DuplicateDetectionWindow, time);
}

internal sealed class TopicEntity(string name, EntityOptions options, TimeProvider time)
{
    public string Name => name;

    public EntityOptions Options => options;

    public ConcurrentDictionary<string, (MessageStore Store, CorrelationFilter? Filter)> Subscriptions { get; } = new(StringComparer.OrdinalIgnoreCase);

    public DuplicateDetector Duplicates { get; } = new(options.DuplicateDetectionWindow, time);
}

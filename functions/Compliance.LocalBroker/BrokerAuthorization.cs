using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Compliance.LocalBroker;

/// <summary>What a credential may do with an entity, as Service Bus's Send, Listen and Manage claims.</summary>
[Flags]
public enum EntityRights
{
    None = 0,
    Send = 1,
    Listen = 2,
    Manage = Send | Listen | 4,
}

/// <summary>
/// One named shared access key and the entities it may use. A grant with path null covers the whole
/// namespace; otherwise it covers that entity and what lies below it (its dead-letter queue, its
/// subscriptions). This stands in for Azure RBAC scoped to a queue or subscription.
/// </summary>
public sealed record AuthorizationRule(string KeyName, string Key, IReadOnlyList<EntityGrant> Grants)
{
    /// <summary>
    /// A provider's key: Send on its own responses queue and Listen on its own events subscription.
    /// Derived from the namespace key so the local host keeps no key store, and whoever holds the
    /// namespace key (the operator of the local run) can hand each provider its own.
    /// </summary>
    public static AuthorizationRule ForProvider(string namespaceKey, string providerId, string responsesQueue, string eventsSubscription) =>
        new(
            "provider-" + providerId,
            Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(namespaceKey), Encoding.UTF8.GetBytes("provider:" + providerId))),
            [new EntityGrant(responsesQueue, EntityRights.Send), new EntityGrant(eventsSubscription, EntityRights.Listen)]);

    public EntityRights RightsOn(string entityPath) =>
        Grants.Where(g => g.Covers(entityPath)).Aggregate(EntityRights.None, (rights, grant) => rights | grant.Rights);
}

public sealed record EntityGrant(string? EntityPath, EntityRights Rights)
{
    internal bool Covers(string entityPath) =>
        EntityPath is null
        || string.Equals(entityPath, EntityPath, StringComparison.OrdinalIgnoreCase)
        || entityPath.StartsWith(EntityPath + "/", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Checks the SAS tokens a client presents on <c>$cbs</c> (the claims-based-security node) and what
/// each connection may then attach to. The real client signs with the rule's key over the URL-encoded
/// resource and the expiry; a token is good for its resource and every audience under it.
/// </summary>
internal sealed class BrokerAuthorization(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, AuthorizationRule> _rules = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<object, ConcurrentDictionary<string, (EntityRights Rights, DateTimeOffset Until)>> _granted = new();

    public void Add(AuthorizationRule rule) => _rules[rule.KeyName] = rule;

    /// <summary>Validates a put-token; on success the connection holds the rule's rights for that audience.</summary>
    public string? Authorize(object connection, string? audience, string? token)
    {
        if (audience is null || token is null || !token.StartsWith("SharedAccessSignature ", StringComparison.Ordinal))
        {
            return "A SharedAccessSignature token and its audience are required.";
        }

        var fields = token["SharedAccessSignature ".Length..].Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("sr", out var encodedResource) || !fields.TryGetValue("sig", out var signature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var keyName))
        {
            return "The token lacks sr, sig, se or skn.";
        }

        if (!_rules.TryGetValue(WebUtility.UrlDecode(keyName), out var rule))
        {
            return "Unknown key name.";
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(rule.Key), Encoding.UTF8.GetBytes(encodedResource + "\n" + WebUtility.UrlDecode(expiry)));
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(WebUtility.UrlDecode(signature));
        }
        catch (FormatException)
        {
            return "The signature is not base64.";
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return "The signature does not match the key.";
        }

        if (!long.TryParse(WebUtility.UrlDecode(expiry), out var seconds) || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || DateTimeOffset.FromUnixTimeSeconds(seconds) is var until && until <= time.GetUtcNow())
        {
            return "The token has expired.";
        }

        var resourcePath = EntityPathOf(WebUtility.UrlDecode(encodedResource));
        var audiencePath = EntityPathOf(audience);
        if (resourcePath.Length > 0 && !string.Equals(audiencePath, resourcePath, StringComparison.OrdinalIgnoreCase)
            && !audiencePath.StartsWith(resourcePath + "/", StringComparison.OrdinalIgnoreCase))
        {
            return "The token was signed for another resource.";
        }

        var rights = rule.RightsOn(StripNode(audiencePath));
        if (rights == EntityRights.None)
        {
            return "The key grants nothing on this entity.";
        }

        _granted.GetOrCreateValue(connection)[StripNode(audiencePath)] = (rights, until);
        return null;
    }

    /// <summary>True when the connection presented a token, still unexpired, granting <paramref name="needed"/> on the entity.</summary>
    public bool Allows(object connection, string entityPath, EntityRights needed) =>
        _granted.TryGetValue(connection, out var granted)
        && granted.Any(g => (g.Value.Rights & needed) == needed && g.Value.Until > time.GetUtcNow()
            && (string.Equals(entityPath, g.Key, StringComparison.OrdinalIgnoreCase) || entityPath.StartsWith(g.Key + "/", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The entity a management or dead-letter address belongs to: rights are held on the entity itself.</summary>
    internal static string StripNode(string path)
    {
        foreach (var suffix in new[] { "/$management", "/$deadletterqueue" })
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return path[..^suffix.Length];
            }
        }

        return path;
    }

    private static string EntityPathOf(string resource) =>
        Uri.TryCreate(resource, UriKind.Absolute, out var uri) ? uri.AbsolutePath.Trim('/') : resource.Trim('/');
}

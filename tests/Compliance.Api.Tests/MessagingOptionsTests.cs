using Compliance.Infrastructure.Messaging;

namespace Compliance.Api.Tests;

/// <summary>Provider ids name queues, subscriptions and keys: two that could share one are refused at start.</summary>
public sealed class MessagingOptionsTests
{
    [Theory]
    [InlineData("prov-a,Acme", "Messaging:Providers: 'Acme' is not a provider id (lower-case letters, digits and hyphens; not 'regulator').")]
    [InlineData("prov-a,regulator", "Messaging:Providers: 'regulator' is not a provider id (lower-case letters, digits and hyphens; not 'regulator').")]
    [InlineData("prov-a,prov/b", "Messaging:Providers: 'prov/b' is not a provider id (lower-case letters, digits and hyphens; not 'regulator').")]
    [InlineData("prov-a, prov-a", "Messaging:Providers names 'prov-a' twice.")]
    public void Ids_that_could_share_an_entity_or_a_key_are_refused(string providers, string message)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => new MessagingOptions { Providers = providers }.Validated());

        Assert.Equal(message, refused.Message);
    }

    [Fact]
    public void Distinct_provider_ids_are_kept_with_their_own_queues()
    {
        var options = new MessagingOptions { Providers = "prov-a, prov-a-b" }.Validated();

        Assert.Equal(["prov-a", "prov-a-b"], options.ProviderIds);
        Assert.Equal(["provider-responses-prov-a", "provider-responses-prov-a-b"], options.ProviderIds.Select(options.ResponsesQueueOf));
    }
}

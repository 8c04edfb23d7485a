using Compliance.Access;
using Compliance.Problems;
using Compliance.Providers;

namespace Compliance.Application;

/// <summary>The commission's register of providers that can be addressed by orders.</summary>
public sealed class ProviderService(IProviderDirectory directory, TimeProvider time)
{
    public async Task<Provider> RegisterAsync(Caller caller, RegisterProviderRequest request, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission);
        var check = new RequestValidation();
        var provider = new Provider(
            check.Identifier("id", request.Id),
            check.Text("name", request.Name, 200),
            check.Text("jurisdiction", request.Jurisdiction, 64),
            check.Text("contact", request.Contact, 320),
            time.ReceiptTime());
        check.ThrowIfInvalid();
        if (await directory.TryAddAsync(provider, cancellationToken))
        {
            return provider;
        }

        var existing = await directory.FindAsync(provider.Id, cancellationToken);
        if (existing is not null && existing with { RegisteredAt = provider.RegisteredAt } == provider)
        {
            // Registering the same provider again changes nothing; only a different one is a clash.
            return existing;
        }

        throw new ComplianceProblem(ProblemKind.ProviderExists, $"Provider '{provider.Id}' is already registered with other details.");
    }

    /// <summary>Support centres see the directory too: a case names the providers where the victim's material is.</summary>
    public async Task<IReadOnlyList<Provider>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission, Role.Regulator, Role.Provider, Role.Support);
        var all = await directory.ListAsync(cancellationToken);
        return caller.Role == Role.Provider ? all.Where(p => p.Id == caller.ProviderId).ToList() : all;
    }

    public async Task<Provider> GetAsync(Caller caller, string providerId, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission, Role.Regulator, Role.Provider, Role.Support);
        caller.RequireVisible(providerId, "Provider");
        return await directory.FindAsync(providerId, cancellationToken) ?? throw ComplianceProblem.NotFound("Provider");
    }
}

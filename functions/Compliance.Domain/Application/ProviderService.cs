using Compliance.Access;
using Compliance.Problems;
using Compliance.Providers;

namespace Compliance.Application;

/// <summary>The commission's register of providers that can be addressed by orders.</summary>
public sealed class ProviderService(IProviderDirectory directory, IAdvanceInformationLog advance, Compliance.Regimes.RegimeCatalog regimes, TimeProvider time)
{
    private static readonly TimeSpan ClaimSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Records that an authority informed the provider of a regime's procedures and deadlines (TCO
    /// Art. 3(2)); the earliest record stands, so a later one cannot move the time back.
    /// </summary>
    public async Task<AdvanceInformation> RecordAdvanceInformationAsync(Caller caller, string providerId, AdvanceInformationRequest request, CancellationToken cancellationToken)
    {
        caller.RequireRole(Role.Commission);
        var check = new RequestValidation();
        var legalBasis = check.Text("legalBasis", request.LegalBasis, 64);
        var authority = check.Text("authority", request.Authority, 200);
        var note = check.OptionalText("note", request.Note, 2000);
        var now = time.ReceiptTime();
        if (request.InformedAt > now + ClaimSkew)
        {
            check.Add("informedAt", "must not be in the future");
        }

        check.ThrowIfInvalid();
        if (regimes.Find(legalBasis) is not { AdvanceInformation: not null })
        {
            throw new ComplianceProblem(ProblemKind.ValidationFailed, $"{legalBasis} asks for no advance information.", new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["legalBasis"] = ["must be a regime that asks for advance information, such as EU-TCO"] } });
        }

        _ = await directory.FindAsync(providerId, cancellationToken) ?? throw ComplianceProblem.NotFound("Provider");
        return await advance.RecordAsync(new AdvanceInformation(providerId, legalBasis, authority, request.InformedAt ?? now, now, note), cancellationToken);
    }

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

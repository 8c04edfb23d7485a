namespace Compliance.Orders;

/// <summary>The authority that issued the order, as the notice names it.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 code of the Member State or country (or EU).</param>
public sealed record IssuingAuthority(string Name, string Country, string? Contact);

/// <summary>TAKE IT DOWN Act: the signed statement that the depiction is not consensual, with a contact.</summary>
public sealed record NonConsentStatement(string SignedBy, DateTimeOffset SignedAt, string Contact);

/// <summary>
/// What the notice itself says beyond the items and the reason (its statement of reasons): the
/// authority's reference, which provisions it applies, where it applies, how to challenge it and
/// how it is filed in the DSA Transparency Database; plus the fields particular regimes require.
/// </summary>
public sealed record OrderNotice(
    string? ReferenceNumber,
    IssuingAuthority? IssuingAuthority,
    IReadOnlyList<string> LegalProvisions,
    IReadOnlyList<string> TerritorialScope,
    string? Redress,
    string Category,
    IReadOnlyList<string> Keywords,
    NonConsentStatement? NonConsentStatement,
    string? ComplaintReference)
{
    public static OrderNotice Empty(string category, IReadOnlyList<string> keywords) => new(null, null, [], [], null, category, keywords, null, null);

    /// <summary>Whether the notice has the named field.</summary>
    public bool Has(NoticeField field) => field switch
    {
        NoticeField.ReferenceNumber => ReferenceNumber is not null,
        NoticeField.IssuingAuthority => IssuingAuthority is not null,
        NoticeField.LegalProvisions => LegalProvisions.Count > 0,
        NoticeField.TerritorialScope => TerritorialScope.Count > 0,
        NoticeField.Redress => Redress is not null,
        NoticeField.NonConsentStatement => NonConsentStatement is not null,
        NoticeField.ComplaintReference => ComplaintReference is not null,
        _ => false,
    };
}

/// <summary>Notice fields a regime can require (regimes.json <c>notice.required</c>).</summary>
public enum NoticeField
{
    ReferenceNumber,
    IssuingAuthority,
    LegalProvisions,
    TerritorialScope,
    Redress,
    NonConsentStatement,
    ComplaintReference,
}

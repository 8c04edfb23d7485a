using Compliance.Orders;
using Compliance.Problems;
using Compliance.Regimes;

namespace Compliance.Application;

/// <summary>The notice as parsed from an issue request, before the regime supplies its defaults and its requirements are checked.</summary>
internal sealed record NoticeDraft(string? ReferenceNumber, IssuingAuthority? IssuingAuthority, IReadOnlyList<string> LegalProvisions, IReadOnlyList<string> TerritorialScope, string? Redress, string? Category, IReadOnlyList<string>? Keywords, NonConsentStatement? NonConsent, string? ComplaintReference)
{
    /// <summary>The notice's own fields as given; category and keywords are checked against the Transparency Database's vocabulary.</summary>
    public static NoticeDraft Parse(RequestValidation check, IssueOrderRequest request)
    {
        IssuingAuthority? authority = null;
        if (request.IssuingAuthority is { } a)
        {
            var country = check.Text("issuingAuthority.country", a.Country, 2);
            if (country.Length > 0 && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
            {
                check.Add("issuingAuthority.country", "must be an ISO 3166-1 alpha-2 code in capitals (or EU)");
            }

            authority = new IssuingAuthority(check.Text("issuingAuthority.name", a.Name, 200), country, check.OptionalText("issuingAuthority.contact", a.Contact, 200));
        }

        var scope = Texts(check, "territorialScope", request.TerritorialScope, 40, 2);
        for (var i = 0; i < scope.Count; i++)
        {
            if (scope[i].Length != 2 || !scope[i].All(char.IsAsciiLetterUpper))
            {
                check.Add($"territorialScope[{i}]", "must be an ISO 3166-1 alpha-2 code in capitals");
            }
        }

        var category = request.Category is null ? null : check.Text("category", request.Category, 100);
        if (category is not null && !Compliance.Exports.TransparencyDatabaseVocabulary.Categories.Contains(category))
        {
            check.Add("category", "must be a DSA Transparency Database category, e.g. STATEMENT_CATEGORY_CYBER_VIOLENCE");
        }

        var keywords = request.Keywords is null ? null : Texts(check, "keywords", request.Keywords, 20, 100);
        for (var i = 0; i < (keywords?.Count ?? 0); i++)
        {
            if (!Compliance.Exports.TransparencyDatabaseVocabulary.Keywords.Contains(keywords![i]))
            {
                check.Add($"keywords[{i}]", "must be a DSA Transparency Database keyword, e.g. KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE");
            }
        }

        NonConsentStatement? nonConsent = null;
        if (request.NonConsentStatement is { } n)
        {
            nonConsent = new NonConsentStatement(check.Text("nonConsentStatement.signedBy", n.SignedBy, 200), check.Time("nonConsentStatement.signedAt", n.SignedAt), check.Text("nonConsentStatement.contact", n.Contact, 200));
        }

        return new NoticeDraft(
            request.ReferenceNumber is null ? null : check.Text("referenceNumber", request.ReferenceNumber, 128),
            authority,
            Texts(check, "legalProvisions", request.LegalProvisions, 20, 200),
            scope,
            check.OptionalText("redress", request.Redress, 2000),
            category,
            keywords,
            nonConsent,
            request.ComplaintReference is null ? null : check.Text("complaintReference", request.ComplaintReference, 128));
    }

    private static List<string> Texts(RequestValidation check, string field, IReadOnlyList<string?>? values, int maxCount, int maxLength)
    {
        if (values is null)
        {
            return [];
        }

        if (values.Count > maxCount)
        {
            check.Add(field, $"must list at most {maxCount}");
            return [];
        }

        return values.Select((v, i) => check.Text($"{field}[{i}]", v, maxLength)).ToList();
    }

    /// <summary>The notice with the regime's Transparency Database defaults, refused if it lacks a field the regime requires.</summary>
    public OrderNotice For(LegalRegime regime)
    {
        var notice = new OrderNotice(ReferenceNumber, IssuingAuthority, LegalProvisions, TerritorialScope, Redress, Category ?? regime.StatementCategory, Keywords ?? regime.StatementKeywords, NonConsent, ComplaintReference);
        var missing = regime.RequiredNotice.Where(f => !notice.Has(f)).Select(f => JsonFieldName(f)).Order(StringComparer.Ordinal).ToArray();
        return missing.Length == 0
            ? notice
            : throw new ComplianceProblem(
                ProblemKind.ValidationFailed,
                $"An order under {regime.Code} must carry {string.Join(", ", missing)}.",
                new Dictionary<string, object?> { ["errors"] = missing.ToDictionary(m => m, _ => new[] { $"is required under {regime.Code}" }) });
    }

    private static string JsonFieldName(NoticeField field) => char.ToLowerInvariant(field.ToString()[0]) + field.ToString()[1..];
}

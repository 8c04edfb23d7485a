using System.Globalization;
using Compliance.Orders;
using Compliance.Problems;
using Compliance.Providers;
using Compliance.Regimes;

namespace Compliance.Exports;

/// <summary>One entry of a form: a stable key for machines, the form's label for people.</summary>
public sealed record FormField(string Key, string Label, string? Value);

/// <summary>A lettered section of a form, as the annex letters them.</summary>
public sealed record FormSection(string Letter, string Heading, IReadOnlyList<FormField> Fields);

/// <summary>A filled-in TCO annex for one order: the removal order, the feedback, or the notice of impossibility.</summary>
public sealed record TcoDocument(string Annex, string Title, string OrderId, string Regulation, IReadOnlyList<FormSection> Sections)
{
    public const string RegulationCitation = "Regulation (EU) 2021/784 on addressing the dissemination of terrorist content online";
}

/// <summary>
/// The three forms of the TCO Regulation, filled in from the order: Annex I (removal order, Art. 3),
/// Annex II (feedback following removal or disabling, Art. 3(6)) and Annex III (information about
/// the impossibility to execute the removal order, Art. 3(7) and 3(8)), with the grounds ticked.
/// </summary>
public static class TcoDocuments
{
    public const string AnnexI = "annex-i";
    public const string AnnexII = "annex-ii";
    public const string AnnexIII = "annex-iii";

    private const string Ticked = "[x]";
    private const string Unticked = "[ ]";

    public static TcoDocument For(string annex, TakedownOrder order, LegalRegime regime, Provider? provider, DateTimeOffset? firstReceivedAt)
    {
        if (regime.Code != "EU-TCO")
        {
            throw ComplianceProblem.NotFound($"TCO {annex} for a {regime.Code} order");
        }

        return annex switch
        {
            AnnexI => RemovalOrder(order, regime, provider, firstReceivedAt),
            AnnexII => Feedback(order, provider),
            AnnexIII => Impossibility(order, provider),
            _ => throw ComplianceProblem.NotFound($"Document '{annex}'"),
        };
    }

    private static TcoDocument RemovalOrder(TakedownOrder order, LegalRegime regime, Provider? provider, DateTimeOffset? firstReceivedAt)
    {
        var n = order.Notice;
        return new TcoDocument("I", "Removal order", order.OrderId, TcoDocument.RegulationCitation,
        [
            Authority("A", "Issuing competent authority", n),
            Addressee("B", provider, order.ProviderId),
            new("C", "Terrorist content to be removed or to which access is to be disabled",
            [
                .. order.Items.Select((item, i) => new FormField($"url{i + 1}", $"URL {i + 1}", item.Url)),
                .. order.Items.Select((item, i) => new FormField($"additionalInformation{i + 1}", $"Additional information to identify item {i + 1}", item.Description)).Where(f => f.Value is not null),
                new("legalProvisions", "Legal provisions", n.LegalProvisions.Count == 0 ? null : string.Join("; ", n.LegalProvisions)),
                new("statementOfReasons", "Reasons for considering the content terrorist content", order.Reason),
            ]),
            new("D", "Time limits",
            [
                new("issuedAt", "Date and time of issue of the removal order", Time(order.IssuedAt)),
                new("firstReceivedAt", "Date and time of receipt by the hosting service provider", firstReceivedAt is { } r ? Time(r) : null),
                new("deadline", "Remove or disable access within one hour of receipt, by", order.Clock.DueAt is { } due ? Time(due) : null),
                new("preservation", "Preservation of the content and related data (Art. 6)", $"{regime.Preservation} from removal"),
            ]),
            new("E", "Redress", [new("redress", "Information about redress available to the hosting service provider and the content provider", n.Redress)]),
        ]);
    }

    private static TcoDocument Feedback(TakedownOrder order, Provider? provider)
    {
        if (order is not { Status: OrderStatus.Removed, Removal: { } removal })
        {
            throw NotYet(order, "Annex II is the feedback after removal or disabling");
        }

        return new TcoDocument("II", "Feedback following removal of or disabling of access to terrorist content", order.OrderId, TcoDocument.RegulationCitation,
        [
            Authority("A", "Addressee of the feedback (the issuing competent authority)", order.Notice),
            Addressee("B", provider, order.ProviderId),
            new("C", "Content removed or to which access has been disabled",
            [
                .. order.Items.Select((item, i) => new FormField($"url{i + 1}", $"URL {i + 1}", item.Url)),
                new("action", "Action taken", removal.Action switch { RemovalAction.Removed => "Content removed", RemovalAction.Disabled => "Access disabled", _ => "Access disabled in the Member States concerned" }),
                new("actionTakenAt", "Date and time of removal or disabling, as the provider states it", Time(removal.ClaimedRemovedAt)),
                new("receivedAt", "Date and time the confirmation was received", Time(removal.ReceivedAt)),
                new("withinDeadline", "Within the deadline", removal.Late ? "No" : "Yes"),
            ]),
        ]);
    }

    private static TcoDocument Impossibility(TakedownOrder order, Provider? provider)
    {
        if (order.LastObjection is not { } objection)
        {
            throw NotYet(order, "Annex III reports that the order cannot be executed; the provider has raised no such ground");
        }

        static string Tick(bool on) => on ? Ticked : Unticked;
        return new TcoDocument("III", "Information about the impossibility to execute the removal order", order.OrderId, TcoDocument.RegulationCitation,
        [
            Authority("A", "Addressee (the issuing competent authority)", order.Notice),
            Addressee("B", provider, order.ProviderId),
            new("C", "Reasons for the impossibility to execute the removal order",
            [
                new("forceMajeure", "Force majeure or de facto impossibility not attributable to the hosting service provider (Art. 3(7))", Tick(objection.Ground == ObjectionGround.ForceMajeure)),
                new("manifestError", "The removal order contains manifest errors (Art. 3(8))", Tick(objection.Ground == ObjectionGround.ManifestError)),
                new("insufficientInformation", "The removal order does not contain sufficient information (Art. 3(8))", Tick(objection.Ground == ObjectionGround.InsufficientInformation)),
                new("explanation", "Explanation and further information", objection.Explanation),
                new("reportedAt", "Date and time reported", Time(objection.At)),
            ]),
        ]);
    }

    private static FormSection Authority(string letter, string heading, OrderNotice notice) => new(letter, heading,
    [
        new("authorityName", "Name of the competent authority", notice.IssuingAuthority?.Name),
        new("memberState", "Member State", notice.IssuingAuthority?.Country),
        new("referenceNumber", "Reference number of the removal order", notice.ReferenceNumber),
        new("authorityContact", "Contact point", notice.IssuingAuthority?.Contact),
    ]);

    private static FormSection Addressee(string letter, Provider? provider, string providerId) => new(letter, "Hosting service provider",
    [
        new("providerName", "Name of the hosting service provider", provider?.Name),
        new("providerId", "Identifier", providerId),
        new("providerContact", "Contact point", provider?.Contact),
    ]);

    private static ComplianceProblem NotYet(TakedownOrder order, string why) => new(
        ProblemKind.IllegalTransition,
        $"{why}; the order is '{OrderText.Status(order.Status)}'.",
        new Dictionary<string, object?> { ["currentStatus"] = OrderText.Status(order.Status) });

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

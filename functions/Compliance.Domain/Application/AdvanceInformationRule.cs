using Compliance.Orders;

namespace Compliance.Application;

/// <summary>
/// TCO Art. 3(2): before its first removal order to a provider, an authority informs it of the
/// procedures and deadlines at least 12 hours ahead, except in duly justified emergencies. The
/// order still issues (an emergency is the authority's call); a missing or late notice is recorded
/// on the order as a warning for the record and the regulator.
/// </summary>
public static class AdvanceInformationRule
{
    public const string Missing = "advance-information-missing";
    public const string TooLate = "advance-information-late";

    public static OrderWarning? WarningFor(string legalBasis, TimeSpan lead, bool orderedBefore, AdvanceInformation? information, DateTimeOffset issuedAt)
    {
        if (orderedBefore)
        {
            return null;
        }

        if (information is null)
        {
            return new OrderWarning(Missing, $"First {legalBasis} order of this authority to this provider, with no advance information on record ({lead.TotalHours:0} h ahead are required unless it is an emergency).");
        }

        return issuedAt - information.InformedAt < lead
            ? new OrderWarning(TooLate, $"Advance information was given at {information.InformedAt:O}, less than {lead.TotalHours:0} h before this first {legalBasis} order.")
            : null;
    }
}

using Compliance.Access;
using Compliance.Media;

namespace Compliance.HashBank;

/// <summary>Whose order a banked hash came from: shown to the commission, regulators and that order's provider only.</summary>
public sealed record BankAttribution(string OrderId, string ProviderId, string MediaId);

/// <summary>A banked hash as one caller may see it.</summary>
public sealed record BankedHash(
    string EntryId,
    string Pdq,
    int Quality,
    DihedralTransform Transform,
    int? FrameSecond,
    DateTimeOffset AddedAt,
    bool Disabled,
    BankAttribution? Attribution)
{
    /// <summary>
    /// A provider's upload filter needs the hash and a stable id to report what it blocked, never
    /// which order of which other provider it came from: that would disclose others' takedowns.
    /// </summary>
    public static BankedHash Disclose(Caller caller, HashBankEntry entry) => new(
        entry.EntryId,
        entry.Pdq,
        entry.Quality,
        entry.Transform,
        entry.FrameSecond,
        entry.AddedAt,
        entry.Disabled,
        caller.Role is Role.Commission or Role.Regulator || (caller.Role == Role.Provider && caller.ProviderId == entry.ProviderId)
            ? new BankAttribution(entry.OrderId, entry.ProviderId, entry.MediaId)
            : null);
}

/// <summary>A banked item a lookup found; <c>Item.Transform</c> says which transform of it the query resembles.</summary>
public sealed record BankMatch(BankedHash Item, int Distance);

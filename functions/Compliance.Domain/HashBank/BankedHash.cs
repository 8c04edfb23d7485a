using Compliance.Access;
using Compliance.Media;

namespace Compliance.HashBank;

/// <summary>
/// Where a banked hash came from: shown to the commission and regulators, and to the order's own
/// provider for an order's media; a case is never named to any provider.
/// </summary>
public sealed record BankAttribution(string? OrderId, string? ProviderId, string? MediaId, string? CaseId);

/// <summary>A banked hash as one caller may see it.</summary>
public sealed record BankedHash(
    string EntryId,
    string? Pdq,
    string? Md5,
    int? Quality,
    DihedralTransform Transform,
    int? FrameSecond,
    DateTimeOffset AddedAt,
    bool Disabled,
    string Bank,
    string? LegalBasis,
    BankAttribution? Attribution)
{
    /// <summary>
    /// A provider's upload filter needs the hash, the bank, the legal basis and a stable id to report
    /// what it blocked, never which order of which other provider or which victim's case it came
    /// from: that would disclose others' takedowns and victims' requests.
    /// </summary>
    public static BankedHash Disclose(Caller caller, HashBankEntry entry) => new(
        entry.EntryId,
        entry.Md5 is null ? entry.Pdq : null,
        entry.Md5,
        entry.Quality,
        entry.Transform,
        entry.FrameSecond,
        entry.AddedAt,
        entry.Disabled,
        entry.Bank,
        entry.LegalBasis,
        Attribute(caller, entry));

    private static BankAttribution? Attribute(Caller caller, HashBankEntry entry)
    {
        if (caller.Role is Role.Commission or Role.Regulator)
        {
            return entry.CaseId is { } caseId
                ? new BankAttribution(null, null, null, caseId)
                : new BankAttribution(entry.OrderId, entry.ProviderId, entry.MediaId, null);
        }

        return caller.Role == Role.Provider && entry.CaseId is null && caller.ProviderId == entry.ProviderId
            ? new BankAttribution(entry.OrderId, entry.ProviderId, entry.MediaId, null)
            : null;
    }
}

/// <summary>A banked video a video lookup matched by vPDQ's rule, as the caller may see it.</summary>
public sealed record VideoMatch(string EntryId, string Bank, string? LegalBasis, BankAttribution? Attribution, int QueryFramesMatched, int QueryFrames, int BankedFramesMatched, int BankedFrames)
{
    public double QueryMatchShare => QueryFrames == 0 ? 0 : Math.Round((double)QueryFramesMatched / QueryFrames, 4);

    public double BankedMatchShare => BankedFrames == 0 ? 0 : Math.Round((double)BankedFramesMatched / BankedFrames, 4);

    public static VideoMatch Disclose(Caller caller, VideoBankMatch match)
    {
        var video = BankedHash.Disclose(caller, match.Video);
        return new VideoMatch(match.Video.ItemId, video.Bank, video.LegalBasis, video.Attribution, match.QueryFramesMatched, match.QueryFrames, match.BankedFramesMatched, match.BankedFrames);
    }
}

/// <summary>A banked item a lookup found; <c>Item.Transform</c> says which transform of it the query resembles.</summary>
public sealed record BankMatch(BankedHash Item, int Distance);

using Compliance.Media;

namespace Compliance.Detection;

/// <summary>Hostile or unanalysable input found deep in a parser; the analyser turns it into a rejection with this reason.</summary>
public sealed class MediaDefectException(RejectionReason reason, string detail) : Exception(detail)
{
    public RejectionReason Reason { get; } = reason;
}

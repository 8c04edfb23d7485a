namespace Compliance.Access;

public enum Role
{
    Commission,
    Provider,
    Regulator,

    /// <summary>The platform itself, e.g. the deadline sweep; never granted to a token.</summary>
    System,
}

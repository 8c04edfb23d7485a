namespace Compliance.Access;

public enum Role
{
    Commission,
    Provider,
    Regulator,

    /// <summary>A victim-support centre acting for victims (cases); sees nothing but its own cases.</summary>
    Support,

    /// <summary>The platform itself, e.g. the deadline sweep; never granted to a token.</summary>
    System,
}

namespace CceGen.Generator;

/// <summary>Names of the tracked pipeline steps (tests read them from the driver's run result).</summary>
public static class TrackingNames
{
    /// <summary>Attribute + method symbol to <c>Result&lt;KernelSpec?&gt;</c>.</summary>
    public const string Parse = nameof(Parse);

    /// <summary>The diagnostics branch of the parse result.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary><c>KernelSpec</c> to (hint name, source text).</summary>
    public const string Emit = nameof(Emit);
}
